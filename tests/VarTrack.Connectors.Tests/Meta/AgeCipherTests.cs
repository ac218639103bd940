using VarTrack.Core.Errors;
using VarTrack.Core.Releases;

namespace VarTrack.Connectors.Tests.Meta;

public sealed class AgeCipherTests() : MetaCipherContractTests(new AgeCipher())
{
    [Fact]
    public void A_malformed_recipient_is_named_with_the_file_and_a_tampered_file_is_refused()
    {
        var cipher = new AgeCipher();
        var bad = Assert.Throws<VarTrackException>(() => cipher.Encrypt("envs/Prod/a.yaml", [1], ["age1notarecipient"]));
        Assert.StartsWith("envs/Prod/a.yaml: cannot encrypt: ", bad.Problems[0].ToString());

        var (identity, recipient) = AgeKeys.Generate();
        var ciphertext = cipher.Encrypt("envs/Prod/a.yaml", "x: 1\n"u8.ToArray(), [recipient]);
        ciphertext[^1] ^= 1;
        var tampered = Assert.Throws<VarTrackException>(() => cipher.Decrypt("envs/Prod/a.yaml", ciphertext, [identity]));
        Assert.StartsWith("envs/Prod/a.yaml: cannot decrypt: ", tampered.Problems[0].ToString());
        Assert.DoesNotContain(identity, tampered.Message);
    }
}
