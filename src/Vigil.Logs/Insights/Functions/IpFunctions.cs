using System.Net;
using System.Net.Sockets;
using Vigil.Logs.Insights.Execution;

namespace Vigil.Logs.Insights.Functions;

/// <summary>IP address tests. IPv4 must be a dotted quad of decimal octets (IPAddress.Parse alone would take "1" or
/// "0x7f.1"); IPv6 is whatever .NET parses with a colon in it, without zone index or brackets.</summary>
internal static class IpFunctions
{
    public static bool Parse(Value value, out IPAddress address, out bool isV6)
    {
        address = IPAddress.None;
        isV6 = false;
        if (value.AsText() is not { } text || text.Length is 0 or > 45)
        {
            return false;
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            isV6 = true;
            return text.IndexOfAny(['%', '[', ']', '/']) < 0 && IPAddress.TryParse(text, out address!) && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        return IsDottedQuad(text) && IPAddress.TryParse(text, out address!);
    }

    /// <summary><paramref name="family"/>: null for either, false for IPv4 only, true for IPv6 only. The subnet is
    /// CIDR (<c>192.0.2.0/24</c>); host bits set in it are ignored.</summary>
    public static bool InSubnet(Value ip, Value subnet, bool? family)
    {
        if (!Parse(ip, out var address, out var isV6) || (family is { } wanted && wanted != isV6) || subnet.AsText() is not { } cidr)
        {
            return false;
        }

        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !int.TryParse(cidr.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix)
            || !Parse(Value.String(cidr[..slash]), out var network, out var networkIsV6) || networkIsV6 != isV6 || prefix > (isV6 ? 128 : 32))
        {
            return false;
        }

        Span<byte> a = stackalloc byte[16];
        Span<byte> n = stackalloc byte[16];
        address.TryWriteBytes(a, out var length);
        network.TryWriteBytes(n, out _);
        for (var bit = 0; bit < prefix && bit < length * 8; bit += 8)
        {
            var mask = (byte)(prefix - bit >= 8 ? 0xFF : 0xFF << (8 - (prefix - bit)));
            if ((a[bit / 8] & mask) != (n[bit / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDottedQuad(string text)
    {
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || int.Parse(part, System.Globalization.CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }

        return true;
    }
}
