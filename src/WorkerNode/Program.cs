using Multiprocessing.Hosting;
using Multiprocessing.WorkerNode;

// A host its coordinator launched (stdin watched) skips the user-facing parser: its arguments are
// the coordinator's own, read by MpWorkerHost, and a spawn host's start-up is on a process's critical path.
return args.Contains(WorkerCommandLine.LaunchedByCoordinator)
    ? await MpWorkerHost.RunAsync(args)
    : await WorkerCommandLine.RunAsync(args);
