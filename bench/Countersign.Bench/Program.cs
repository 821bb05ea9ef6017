using Countersign.Bench;

// bench/run.sh calls one command at a time; each reads the same environment as the server
// (Database__Provider, Database__ConnectionString, Data__Folder, Privacy__*), so the helper and the
// server always look at the same database with the same keys.
try
{
    if (args.Length == 0)
    {
        return Usage();
    }

    var options = Arguments.Parse(args.AsSpan(1));
    return args[0] switch
    {
        "wait" => await Http.WaitAsync(options),
        "pool" => await Http.FetchPoolAsync(options),
        "proofs" => await Http.FetchProofsAsync(options),
        "snapshot" => await Checks.SnapshotAsync(options),
        "confirm-paths" => await Checks.WriteConfirmPathsAsync(options),
        "check-sign" => await Checks.CheckSigningAsync(options),
        "check-confirm" => await Checks.CheckConfirmingAsync(options),
        "report" => Report.Print(options),
        "page-weight" => await PageWeight.MeasureAsync(options),
        _ => Usage(),
    };
}
catch (BenchException exception)
{
    await Console.Error.WriteLineAsync($"countersign-bench: {exception.Message}");
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: countersign-bench COMMAND [--name value]...
          wait           --url URL [--pid PID] [--seconds 90]
          pool           --base URL --slug SLUG --count N --out POOL_FILE --hosts-out HOSTS_FILE
          proofs         --base URL --slug SLUG --count N --out FILE
          snapshot       --slug SLUG --out FILE
          confirm-paths  --slug SLUG --out FILE
          check-sign     --slug SLUG --before FILE --run RUN_ID --wrk WRK_RESULTS --results FILE --prefix P
          check-confirm  --slug SLUG --before FILE --wrk WRK_RESULTS --results FILE --prefix P
          report         --results FILE
          page-weight    --base URL --baseline PATH --pages PATH,PATH... --budget-page PATH [--runs 3] [--strict true]
        """);
    return 64;
}
