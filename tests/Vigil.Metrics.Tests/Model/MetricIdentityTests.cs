using Vigil.Metrics.Model;

namespace Vigil.Metrics.Tests.Model;

public sealed class MetricIdentityTests
{
    [Fact]
    public void Dimension_order_does_not_matter_but_values_do()
    {
        var a = new MetricIdentity("AWS/EC2", "CPUUtilization", [new("InstanceId", "i-1"), new("AutoScalingGroupName", "asg")]);
        var b = new MetricIdentity("AWS/EC2", "CPUUtilization", [new("AutoScalingGroupName", "asg"), new("InstanceId", "i-1")]);
        var c = new MetricIdentity("AWS/EC2", "CPUUtilization", [new("AutoScalingGroupName", "asg"), new("InstanceId", "i-2")]);
        a.ShouldBe(b);
        a.GetHashCode().ShouldBe(b.GetHashCode());
        a.ShouldNotBe(c);
        a.Dimensions[0].Name.ShouldBe("AutoScalingGroupName");
        a.DimensionValue("InstanceId").ShouldBe("i-1");
        a.DimensionValue("Nope").ShouldBeNull();
    }
}
