using Multiprocessing;
using Multiprocessing.Examples.WorkerService;

// A worker service: each line of numbers on standard input is squared on the cluster's pool and printed.
//   echo "1 2 3" | dotnet run --project examples/WorkerService      ->  1 4 9
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
// The console logger writes to stdout by default; stdout is this service's output, so every log line goes to stderr.
builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
// MpOptions from the "Multiprocessing" section (appsettings.json, Multiprocessing__Workers=4, --Multiprocessing:Workers=4);
// the cluster starts and stops with the host, and logs to the host's ILoggerFactory.
builder.Services.AddMultiprocessing();
builder.Services.AddHostedService<SquaresService>();
await builder.Build().RunAsync();
