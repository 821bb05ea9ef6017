using System.Security.Cryptography;
using System.Text.Json;

namespace Countersign.Privacy;

/// <summary>
/// The two secrets that protect signers: one encrypts, one hashes. They come from configuration
/// (<c>Privacy:EncryptionKey</c>, <c>Privacy:HashingKey</c>, base64 of 32 bytes); when neither is
/// set, as on the embedded default, a key file is generated under the data folder on first run.
/// </summary>
public sealed class PrivacyKeys
{
    public const int KeySize = 32;
    public const string KeyFileName = "keys.json";

    public PrivacyKeys(byte[] encryptionKey, byte[] hashingKey)
    {
        if (encryptionKey.Length != KeySize || hashingKey.Length != KeySize)
        {
            throw new ArgumentException($"Privacy keys must be {KeySize} bytes each (base64 of 32 random bytes).");
        }

        if (encryptionKey.AsSpan().SequenceEqual(hashingKey))
        {
            throw new ArgumentException("Privacy:EncryptionKey and Privacy:HashingKey must differ.");
        }

        EncryptionKey = encryptionKey;
        HashingKey = hashingKey;
    }

    public byte[] EncryptionKey { get; }
    public byte[] HashingKey { get; }

    public static PrivacyKeys Load(IConfiguration configuration, string dataFolder)
    {
        var encryption = configuration["Privacy:EncryptionKey"];
        var hashing = configuration["Privacy:HashingKey"];
        if (!string.IsNullOrEmpty(encryption) || !string.IsNullOrEmpty(hashing))
        {
            if (string.IsNullOrEmpty(encryption) || string.IsNullOrEmpty(hashing))
            {
                throw new InvalidOperationException("Set both Privacy:EncryptionKey and Privacy:HashingKey, or neither to use a generated key file.");
            }

            return new PrivacyKeys(FromBase64(encryption, "Privacy:EncryptionKey"), FromBase64(hashing, "Privacy:HashingKey"));
        }

        return LoadOrCreateKeyFile(Path.Combine(dataFolder, KeyFileName));
    }

    private static PrivacyKeys LoadOrCreateKeyFile(string path)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var created = new KeyFile(
                Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeySize)),
                Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeySize)));
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            try
            {
                using var stream = new FileStream(path, options);
                JsonSerializer.Serialize(stream, created);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first; fall through and read theirs.
            }
        }

        var file = JsonSerializer.Deserialize<KeyFile>(File.ReadAllText(path))
            ?? throw new InvalidOperationException($"The key file {path} is empty.");
        return new PrivacyKeys(FromBase64(file.EncryptionKey, path), FromBase64(file.HashingKey, path));
    }

    private static byte[] FromBase64(string value, string source)
    {
        try
        {
            return Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{source} is not valid base64.");
        }
    }

    private sealed record KeyFile(string EncryptionKey, string HashingKey);
}
