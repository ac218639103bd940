namespace VarTrack.Core.Webhooks;

internal enum SignatureCheck
{
    Valid,
    Missing,
    Invalid,
}
