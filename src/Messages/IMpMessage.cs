namespace Multiprocessing.Messages;

/// <summary>Marker for every message that crosses between nodes of a multiprocessing cluster.</summary>
public interface IMpMessage;
