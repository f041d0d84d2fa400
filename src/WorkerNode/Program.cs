using Multiprocessing.Hosting;

return await MpWorkerHost.RunAsync(args);
