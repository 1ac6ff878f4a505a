using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Storage.Blocks;
using Vigil.Storage.Checksums;
using Vigil.Storage.IO;

namespace Vigil.Storage.Tests.Blocks;

public sealed class BlockTests
{
    [Fact]
    public void Sections_round_trip_and_only_the_final_name_remains()
    {
        using var temp = new TempDirectory();
        string path;
        using (var writer = new BlockWriter(temp.Path, "block-000001"))
        {
            writer.AddSection(7, "chunks"u8);
            writer.AddSection(1, []);
            writer.AddSection(0xFFFF_FFFF, new byte[10_000]);
            path = writer.Commit();
        }

        Directory.GetFiles(temp.Path).ShouldBe([path]);
        var block = BlockReader.Open(path);
        block.Sections.Select(s => s.Id).ShouldBe([7u, 1u, 0xFFFF_FFFFu]);
        block.GetSection(7).ToArray().ShouldBe("chunks"u8.ToArray());
        block.GetSection(1).Length.ShouldBe(0);
        block.GetSection(0xFFFF_FFFF).Length.ShouldBe(10_000);
        block.TryGetSection(2, out _).ShouldBeFalse();
        Should.Throw<KeyNotFoundException>(() => block.GetSection(2).Length);
    }

    [Fact]
    public void Random_blocks_round_trip()
    {
        using var temp = new TempDirectory();
        var counter = 0;
        var property = Prop.ForAll(
            ArbMap.Default.ArbFor<byte[][]>(),
            sections =>
            {
                var name = $"b{counter++}";
                using (var writer = new BlockWriter(temp.Path, name, SyncMode.None))
                {
                    for (var i = 0; i < sections.Length; i++)
                    {
                        writer.AddSection((uint)(i * 3), sections[i]);
                    }

                    writer.Commit();
                }

                var block = BlockReader.Open(temp.Combine(name));
                block.Sections.Count.ShouldBe(sections.Length);
                for (var i = 0; i < sections.Length; i++)
                {
                    block.GetSection((uint)(i * 3)).ToArray().ShouldBe(sections[i]);
                }

                return true;
            });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60), property);
    }

    [Fact]
    public void Every_single_byte_flip_and_every_truncation_is_detected()
    {
        using var temp = new TempDirectory();
        var path = WriteSmallBlock(temp.Path);
        var original = File.ReadAllBytes(path);
        for (var offset = 0; offset < original.Length; offset++)
        {
            var damaged = (byte[])original.Clone();
            damaged[offset] ^= 0x01;
            Should.Throw<StorageFormatException>(() => BlockReader.Parse(path, damaged), $"flip at {offset}");
        }

        for (var length = 0; length < original.Length; length++)
        {
            Should.Throw<StorageFormatException>(() => BlockReader.Parse(path, original[..length]), $"cut at {length}");
        }

        // Through the file system too.
        File.WriteAllBytes(path, original[..^1]);
        Should.Throw<StorageFormatException>(() => BlockReader.Open(path)).Path.ShouldBe(path);
    }

    [Fact]
    public void A_checksum_mismatch_is_reported_as_such()
    {
        using var temp = new TempDirectory();
        var path = WriteSmallBlock(temp.Path);
        var bytes = File.ReadAllBytes(path);
        bytes[BlockFormat.HeaderSize + 1] ^= 0xFF; // inside the first section
        Should.Throw<StorageFormatException>(() => BlockReader.Parse(path, bytes)).Error.ShouldBe(StorageFormatError.ChecksumMismatch);
    }

    [Fact]
    public void A_newer_version_is_refused_by_name()
    {
        using var temp = new TempDirectory();
        var path = WriteSmallBlock(temp.Path);
        var bytes = File.ReadAllBytes(path);
        bytes[4] = 2;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4)));
        Should.Throw<StorageFormatException>(() => BlockReader.Parse(path, bytes)).Error.ShouldBe(StorageFormatError.UnsupportedVersion);
    }

    [Fact]
    public void An_abandoned_writer_leaves_nothing_and_leftover_temp_files_are_removed()
    {
        using var temp = new TempDirectory();
        using (var writer = new BlockWriter(temp.Path, "abandoned"))
        {
            writer.AddSection(1, new byte[100]);
            File.Exists(temp.Combine("abandoned.tmp")).ShouldBeTrue();
        }

        Directory.GetFiles(temp.Path).ShouldBeEmpty();

        // A crash between writing and renaming leaves a temp file that no manifest names.
        File.WriteAllBytes(temp.Combine("crashed.tmp"), new byte[50]);
        var kept = WriteSmallBlock(temp.Path);
        BlockWriter.DeleteTempFiles(temp.Path).ShouldBe(1);
        Directory.GetFiles(temp.Path).ShouldBe([kept]);
    }

    [Fact]
    public void Blocks_are_immutable_so_committing_over_an_existing_name_fails_and_cleans_up()
    {
        using var temp = new TempDirectory();
        var path = WriteSmallBlock(temp.Path);
        var before = File.ReadAllBytes(path);
        using (var writer = new BlockWriter(temp.Path, Path.GetFileName(path)))
        {
            writer.AddSection(9, new byte[3]);
            Should.Throw<IOException>(() => writer.Commit());
        }

        File.ReadAllBytes(path).ShouldBe(before);
        Directory.GetFiles(temp.Path).ShouldBe([path]);
    }

    [Fact]
    public void Writer_arguments_are_checked()
    {
        using var temp = new TempDirectory();
        Should.Throw<ArgumentException>(() => new BlockWriter(temp.Path, "x.tmp"));
        Should.Throw<ArgumentException>(() => new BlockWriter(temp.Path, "../escape"));
        using var writer = new BlockWriter(temp.Path, "dup");
        writer.AddSection(1, []);
        Should.Throw<ArgumentException>(() => writer.AddSection(1, []));
        writer.Commit();
        Should.Throw<InvalidOperationException>(() => writer.AddSection(2, []));
    }

    private static string WriteSmallBlock(string directory)
    {
        using var writer = new BlockWriter(directory, $"small-{Guid.NewGuid():N}", SyncMode.None);
        writer.AddSection(1, "abc"u8);
        writer.AddSection(2, "defgh"u8);
        return writer.Commit();
    }
}
