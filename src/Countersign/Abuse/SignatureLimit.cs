namespace Countersign.Abuse;

/// <summary>At most <see cref="Burst"/> signatures in <see cref="BurstSeconds"/>, and <see cref="Sustained"/> in <see cref="SustainedSeconds"/>.</summary>
public sealed class SignatureLimit
{
    public int Burst { get; set; }
    public int BurstSeconds { get; set; } = 60;
    public int Sustained { get; set; }
    public int SustainedSeconds { get; set; } = 300;
}
