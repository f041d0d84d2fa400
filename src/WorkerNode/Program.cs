using Multiprocessing.Hosting;

return await WorkerHost.RunAsync(args);
