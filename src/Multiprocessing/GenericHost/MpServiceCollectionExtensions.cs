using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Multiprocessing.GenericHost;

namespace Multiprocessing;

/// <summary>The multiprocessing cluster in a .NET generic host (<c>Host.CreateApplicationBuilder</c>, a worker service, ASP.NET Core).</summary>
public static class MpServiceCollectionExtensions
{
    /// <summary>
    /// Adds the cluster to the host. It starts with the host (an <see cref="IHostedService"/>) and stops with it: the default
    /// pool's work finishes, children are joined, every worker process ends. <see cref="MpOptions"/> are read from the
    /// configuration section <paramref name="configSectionPath"/> (absent: nothing changes), then <paramref name="configure"/>
    /// runs; the coordinator logs to the host's <c>ILoggerFactory</c> unless <see cref="MpOptions.LoggerFactory"/> is set.
    /// <see cref="MpContext"/> and a default <see cref="MpPool"/> (<c>mp.Pool()</c>) are singletons of the started cluster:
    /// resolved before the host has started (a hosted service's constructor), they start it then and return once it is up.
    /// </summary>
    /// <exception cref="MpConfigurationException">At start: a key of the section that is not an option, or a value of the wrong kind (named with its path).</exception>
    public static IServiceCollection AddMultiprocessing(this IServiceCollection services, Action<MpOptions>? configure = null,
        string configSectionPath = MpOptions.SectionName)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<MpOptions>();
        // Added once: a second call only adds its configure.
        if (!services.Any(d => d.ServiceType == typeof(MpHostedCluster)))
        {
            options.Configure<IServiceProvider>((o, provider) =>
                MpOptionsBinding.Bind(provider.GetService<IConfiguration>(), configSectionPath, provider.GetService<IHostEnvironment>()?.ContentRootPath, o));
            services.AddSingleton<MpHostedCluster>();
            services.AddHostedService(provider => provider.GetRequiredService<MpHostedCluster>());
            services.AddSingleton(provider => provider.GetRequiredService<MpHostedCluster>().Context);
            services.AddSingleton(provider => provider.GetRequiredService<MpHostedCluster>().Pool);
        }
        if (configure is not null) options.Configure(configure);
        return services;
    }
}
