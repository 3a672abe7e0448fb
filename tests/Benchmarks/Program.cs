using ApprovalPortal.Benchmarks;

// dotnet run -c Release --project tests/Benchmarks -- approval-loop --provider sqlite|postgres --n 2000 --c 16 [--json FILE] [--pg CONNECTION]
// dotnet run -c Release --project tests/Benchmarks -- dashboard --provider sqlite|postgres [--decided 100000] [--instances 20000] [--runs 50] [--ranges 30,7,1] [--plans]
// dotnet run -c Release --project tests/Benchmarks -- inbox-query --provider sqlite|postgres --tasks 100000 [--runs 200] [--pg CONNECTION]
// dotnet run -c Release --project tests/Benchmarks -- preemption --provider sqlite|postgres [--backlog 2000] [--starts 100] [--step-ms 20] [--pg CONNECTION]
return await BenchmarkCommand.RunAsync(args);
