// The sample server's command line.
using System;
using System.Globalization;

namespace FioMem.Server;

/// <summary><c>--pool fiomem|default</c> (default fiomem) and <c>--port N</c> (default 5080).</summary>
internal sealed record ServerOptions(bool UseFioMem, int Port)
{
    public string PoolName => UseFioMem ? "fiomem" : "default";

    public static ServerOptions Parse(string[] args)
    {
        bool fioMem = true;
        int port = 5080;
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--pool":
                    fioMem = value switch
                    {
                        "fiomem" => true,
                        "default" => false,
                        _ => throw new ArgumentException($"--pool must be fiomem or default; got '{value}'."),
                    };
                    break;
                case "--port":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
                        throw new ArgumentException($"--port must be a port number from 0 to 65535; got '{value}'.");
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
            i++;
        }
        return new ServerOptions(fioMem, port);
    }
}
