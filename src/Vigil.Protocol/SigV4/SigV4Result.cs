namespace Vigil.Protocol.SigV4;

/// <summary>
/// Outcome of <see cref="SigV4Verifier.Verify{TRequest}(TRequest)"/>. A failure is a value,
/// not an exception, so the gateway decides how to answer (STYLE.md §9).
/// </summary>
public readonly struct SigV4Result
{
    private SigV4Result(
        SigV4FailureKind failure,
        string? message,
        SigV4Credential credential,
        DateTimeOffset requestTime,
        string? securityToken,
        bool isPresigned)
    {
        Failure = failure;
        Message = message;
        Credential = credential;
        RequestTime = requestTime;
        SecurityToken = securityToken;
        IsPresigned = isPresigned;
    }

    public SigV4FailureKind Failure { get; }

    public bool Succeeded => Failure == SigV4FailureKind.None;

    /// <summary>AWS's wording for the failure; null on success.</summary>
    public string? Message { get; }

    /// <summary>
    /// The parsed scope. Set on success, and also for failures found after the Authorization
    /// was parsed (unknown key, mismatch, expiry) so the audit log can say who tried.
    /// </summary>
    public SigV4Credential Credential { get; }

    /// <summary>X-Amz-Date (or Date) of the request; default when it could not be parsed.</summary>
    public DateTimeOffset RequestTime { get; }

    /// <summary>X-Amz-Security-Token as sent, or null; it is not validated here.</summary>
    public string? SecurityToken { get; }

    public bool IsPresigned { get; }

    internal static SigV4Result Success(SigV4Credential credential, DateTimeOffset requestTime, string? securityToken, bool isPresigned) =>
        new(SigV4FailureKind.None, null, credential, requestTime, securityToken, isPresigned);

    internal static SigV4Result Fail(SigV4FailureKind failure, string message) =>
        new(failure, message, default, default, null, false);

    internal static SigV4Result Fail(SigV4FailureKind failure, string message, SigV4Credential credential, DateTimeOffset requestTime, bool isPresigned) =>
        new(failure, message, credential, requestTime, null, isPresigned);

    public override string ToString() => Succeeded ? $"Success({Credential})" : $"{Failure}: {Message}";
}
