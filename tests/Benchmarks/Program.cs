using ApprovalPortal.Benchmarks;

// dotnet run -c Release --project tests/Benchmarks -- approval-loop --provider sqlite|postgres --n 2000 --c 16 [--json FILE] [--pg CONNECTION]
// dotnet run -c Release --project tests/Benchmarks -- inbox-query --provider sqlite|postgres --tasks 100000 [--runs 200] [--pg CONNECTION]
return await BenchmarkCommand.RunAsync(args);
