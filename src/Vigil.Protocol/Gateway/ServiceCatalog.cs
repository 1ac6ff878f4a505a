using Vigil.Protocol.Codecs.RestJson;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Gateway;

/// <summary>
/// Every service model the gateway knows, indexed the ways requests name them: SigV4 scope, X-Amz-Target
/// prefix, CBOR service name and awsQuery Version. Built once at start; read-only afterwards.
/// </summary>
public sealed class ServiceCatalog
{
    private readonly Dictionary<string, ServiceModel> _bySigningName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServiceModel> _byTargetPrefix = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServiceModel> _byQueryVersion = new(StringComparer.Ordinal);
    private readonly Dictionary<ServiceModel, RestJsonRouter> _restRouters = [];

    public ServiceCatalog(IEnumerable<ServiceModel> services)
    {
        foreach (var s in services)
        {
            _bySigningName[s.SigningName] = s;
            if (s.TargetPrefix is { } prefix)
            {
                _byTargetPrefix[prefix] = s;
                // CloudTrail: botocore sends com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101, JS the short form.
                var lastDot = prefix.LastIndexOf('.');
                if (lastDot >= 0)
                {
                    _byTargetPrefix[prefix[(lastDot + 1)..]] = s;
                }
            }
            if (s.Speaks(WireProtocol.AwsQuery))
            {
                _byQueryVersion[s.ApiVersion] = s;
            }
            if (s.Speaks(WireProtocol.RestJson1))
            {
                _restRouters[s] = new RestJsonRouter(s);
            }
        }
    }

    /// <summary>Every service Vigil speaks, from the generated models.</summary>
    public static ServiceCatalog All { get; } = new(
    [
        Shapes.Sts.StsModel.Service,
        Shapes.CloudWatch.CloudWatchModel.Service,
        Shapes.Logs.LogsModel.Service,
        Shapes.Events.EventsModel.Service,
        Shapes.XRay.XRayModel.Service,
        Shapes.CloudTrail.CloudTrailModel.Service,
        Shapes.Sns.SnsModel.Service,
        Shapes.Config.ConfigModel.Service,
        Shapes.Scheduler.SchedulerModel.Service,
        Shapes.Schemas.SchemasModel.Service,
        Shapes.Synthetics.SyntheticsModel.Service,
    ]);

    public IEnumerable<ServiceModel> Services => _bySigningName.Values;

    public ServiceModel? BySigningName(string name) => _bySigningName.GetValueOrDefault(name);

    public ServiceModel? ByTargetPrefix(string prefix) => _byTargetPrefix.GetValueOrDefault(prefix);

    public ServiceModel? ByQueryVersion(string version) => _byQueryVersion.GetValueOrDefault(version);

    public RestJsonRouter? RestRouter(ServiceModel service) => _restRouters.GetValueOrDefault(service);
}
