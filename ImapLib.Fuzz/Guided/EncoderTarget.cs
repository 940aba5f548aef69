namespace ImapLib.Fuzz.Guided;

public sealed class EncoderTarget : FuzzTarget
{
    public override string Name => "encoder";

    public override string Description => "argument encoding";

    public override void Run(byte[] input) { }

    public override IEnumerable<(string name, byte[] input)> Seeds(string repository) => [];
}
