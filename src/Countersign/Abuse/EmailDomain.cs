namespace Countersign.Abuse;

/// <summary>An email domain as typed (lower-case), its registrable domain, and its keyed hash.</summary>
public sealed record EmailDomain(string Typed, string Registrable, byte[] Key);
