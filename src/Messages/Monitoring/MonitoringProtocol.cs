namespace Multiprocessing.Messages.Monitoring;

/// <summary>
/// Asks the coordinator's status actor (<c>/user/mp-status</c>) for a snapshot of the cluster; the
/// answer is the library's <c>MpStatus</c> record. Sent by <c>mp.StatusAsync</c> and by
/// <c>MpStatusClient</c>, a process outside the cluster that holds its credentials.
/// </summary>
public sealed record StatusRequest : IMpMessage;
