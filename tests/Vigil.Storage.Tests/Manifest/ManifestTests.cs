using FsCheck;
using FsCheck.Fluent;
using Vigil.Storage.IO;
using Vigil.Storage.Manifest;

namespace Vigil.Storage.Tests.Manifest;

public sealed class ManifestTests
{
    private static readonly Dictionary<string, string> NoProperties = [];

    [Fact]
    public void A_new_directory_has_the_empty_manifest_and_no_file()
    {
        using var temp = new TempDirectory();
        var store = ManifestStore.Open(temp.Path);
        store.Current.Generation.ShouldBe(0);
        store.Current.Blocks.ShouldBeEmpty();
        store.Current.Properties.ShouldBeEmpty();
        File.Exists(store.Path).ShouldBeFalse();
    }

    [Fact]
    public void Commits_survive_reopen_with_increasing_generations()
    {
        using var temp = new TempDirectory();
        var store = ManifestStore.Open(temp.Path);
        store.Commit(["b1"], new Dictionary<string, string> { ["wal.checkpoint"] = "10" }).Generation.ShouldBe(1);
        var second = store.Commit(["b1", "b2", "ünïcødé-β"], new Dictionary<string, string> { ["wal.checkpoint"] = "42", ["z"] = "", ["a"] = "1" });
        second.Generation.ShouldBe(2);

        var reopened = ManifestStore.Open(temp.Path).Current;
        reopened.Generation.ShouldBe(2);
        reopened.Blocks.ShouldBe(["b1", "b2", "ünïcødé-β"]);
        reopened.Properties.ShouldBe(second.Properties, ignoreOrder: true);
        Directory.GetFiles(temp.Path).ShouldBe([store.Path]);
    }

    [Fact]
    public void Encoding_round_trips_random_content()
    {
        var property = Prop.ForAll(
            ArbMap.Default.ArbFor<NonEmptyString[]>(),
            ArbMap.Default.ArbFor<Dictionary<NonEmptyString, string>>(),
            ArbMap.Default.ArbFor<long>(),
            (blocks, properties, generation) =>
            {
                var names = blocks.Select(b => b.Get).Where(b => b.Length < 1000).Distinct(StringComparer.Ordinal).ToArray();
                var pairs = properties.Where(p => p.Value is not null && p.Key.Get.Length < 1000)
                    .Select(p => KeyValuePair.Create(p.Key.Get, p.Value)).ToList();
                var decoded = ManifestCodec.Decode("m", ManifestCodec.Encode(generation, names, pairs));
                decoded.Generation.ShouldBe(generation);
                decoded.Blocks.ShouldBe(names);
                decoded.Properties.Count.ShouldBe(pairs.Count);
                foreach (var (key, value) in pairs)
                {
                    decoded.Properties[key].ShouldBe(value);
                }

                return true;
            });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), property);
    }

    [Fact]
    public void Every_byte_flip_and_truncation_is_reported_as_corruption()
    {
        var bytes = ManifestCodec.Encode(3, ["block-a", "block-b"], [KeyValuePair.Create("k", "v")]);
        for (var offset = 0; offset < bytes.Length; offset++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[offset] ^= 0x10;
            Should.Throw<StorageFormatException>(() => ManifestCodec.Decode("m", damaged), $"flip at {offset}");
        }

        for (var length = 0; length < bytes.Length; length++)
        {
            Should.Throw<StorageFormatException>(() => ManifestCodec.Decode("m", bytes.AsSpan(0, length)), $"cut at {length}");
        }
    }

    [Fact]
    public void A_corrupt_manifest_on_disk_fails_open_and_is_left_for_inspection()
    {
        using var temp = new TempDirectory();
        var store = ManifestStore.Open(temp.Path);
        store.Commit(["b1"], NoProperties);
        var bytes = File.ReadAllBytes(store.Path);
        bytes[^6] ^= 0xFF;
        File.WriteAllBytes(store.Path, bytes);

        var error = Should.Throw<StorageFormatException>(() => ManifestStore.Open(temp.Path));
        error.Error.ShouldBe(StorageFormatError.ChecksumMismatch);
        error.Path.ShouldBe(store.Path);
        File.ReadAllBytes(store.Path).ShouldBe(bytes);
    }

    [Fact]
    public void A_crash_between_temp_write_and_rename_keeps_the_old_manifest_and_drops_the_temp()
    {
        using var temp = new TempDirectory();
        var store = ManifestStore.Open(temp.Path);
        store.Commit(["old"], NoProperties);

        // The state a crash after "write temp, fsync" and before "rename" leaves: a complete,
        // valid newer manifest under the temp name. It was never committed.
        File.WriteAllBytes(store.Path + ".tmp", ManifestCodec.Encode(2, ["new"], []));
        var reopened = ManifestStore.Open(temp.Path);
        reopened.Current.Generation.ShouldBe(1);
        reopened.Current.Blocks.ShouldBe(["old"]);
        File.Exists(store.Path + ".tmp").ShouldBeFalse();

        // And a torn temp file (crash during the temp write) is just as harmless.
        File.WriteAllBytes(store.Path + ".tmp", [1, 2, 3]);
        ManifestStore.Open(temp.Path).Current.Blocks.ShouldBe(["old"]);
        reopened.Commit(["newer"], NoProperties).Generation.ShouldBe(2);
        ManifestStore.Open(temp.Path).Current.Blocks.ShouldBe(["newer"]);
    }

    [Fact]
    public void A_rejected_commit_changes_nothing()
    {
        using var temp = new TempDirectory();
        var store = ManifestStore.Open(temp.Path, sync: SyncMode.None);
        store.Commit(["a"], NoProperties);
        Should.Throw<ArgumentException>(() => store.Commit(["b", "b"], NoProperties));
        Should.Throw<ArgumentException>(() => store.Commit([""], NoProperties));
        store.Current.Generation.ShouldBe(1);
        ManifestStore.Open(temp.Path).Current.Blocks.ShouldBe(["a"]);
        Should.Throw<ArgumentException>(() => ManifestStore.Open(temp.Path, "MANIFEST.tmp"));
    }
}
