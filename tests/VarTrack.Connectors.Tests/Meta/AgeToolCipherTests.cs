using VarTrack.Connectors.Meta;
using VarTrack.Core.Errors;

namespace VarTrack.Connectors.Tests.Meta;

public sealed class AgeToolCipherTests() : MetaCipherContractTests(new AgeToolCipher())
{
    [Fact]
    public void A_missing_tool_is_named()
    {
        var error = Assert.Throws<VarTrackException>(() => new AgeToolCipher("age-not-installed-here").Encrypt("envs/Prod/a", [1], ["age1x"]));

        Assert.Equal("envs/Prod/a: cannot encrypt: the age tool ('age-not-installed-here') is not installed (Debian: apt-get install age)", error.Problems[0].ToString());
    }
}
