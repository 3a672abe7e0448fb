using ApprovalPortal.Benchmarks;

// dotnet run -c Release --project tests/Benchmarks -- approval-loop --provider sqlite|postgres --n 2000 --c 16 [--json FILE] [--pg CONNECTION]
return await BenchmarkCommand.RunAsync(args);
