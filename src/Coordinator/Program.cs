using Multiprocessing.Coordinator;

return await CoordinatorCli.RunAsync(args);
