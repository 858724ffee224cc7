// Writes the Bicep type definitions (types.json) of the given provider/api-version pairs, and the
// index, out of the Azure.Bicep.Types.Az package, where they are embedded deflated. Run by
// scripts/install-bicep-types.sh; `dotnet run` restores the package from NuGet.
#:package Azure.Bicep.Types.Az@0.2.972

using System.IO.Compression;
var asm = typeof(Azure.Bicep.Types.Az.AzTypeLoader).Assembly;
var outDir = args[0];
var wanted = args.Skip(1).Select(a => a.ToLowerInvariant()).ToArray();
foreach (var name in asm.GetManifestResourceNames())
{
    var lower = name.ToLowerInvariant();
    if (!lower.EndsWith(".json.deflated")) continue;
    if (wanted.Length > 0 && !lower.EndsWith("index.json.deflated") && !wanted.Any(w => lower.Contains(w))) continue;
    using var s = asm.GetManifestResourceStream(name)!;
    using var d = new DeflateStream(s, CompressionMode.Decompress);
    var path = Path.Combine(outDir, name[..^".deflated".Length]);
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    using var f = File.Create(path);
    d.CopyTo(f);
    Console.WriteLine(path);
}
