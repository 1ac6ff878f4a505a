using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.Sts;

namespace Vigil.Identity.Api;

/// <summary>STS GetCallerIdentity: who the signature says you are.</summary>
public static class GetCallerIdentity
{
    public static void Register(OperationHandlers handlers) =>
        handlers.Register<GetCallerIdentityRequest, GetCallerIdentityResponse>(StsModel.Service, "GetCallerIdentity", Handle);

    public static ValueTask<GetCallerIdentityResponse> Handle(CallContext context, GetCallerIdentityRequest request, CancellationToken ct) =>
        ValueTask.FromResult(new GetCallerIdentityResponse
        {
            UserId = context.Identity.PrincipalId,
            Account = context.Identity.AccountId,
            Arn = context.Identity.Arn,
        });
}
