using ApprovalPortal.CrashHost;

// The engine in a process of its own, for the crash-recovery test to kill:
//   seed <provider> <connection> <count>   starts <count> workflows, prints "seeded", exits
//   seed-escalating <provider> <connection> <count>   the same with workflows whose overdue gate is auto-approved
//   seed-rate-limited <provider> <connection> <count>   the same with workflows whose second call is refused once for rate
//   run  <provider> <connection> [hold:<marker>]   runs whatever is runnable until killed (stopping where <marker> is traced)
//   schedule <provider> <connection>       fires a schedule every second (and runs what it starts) until killed
// Every engine trace marker goes to stdout, one per line, flushed, so the killer knows where it struck.
return await CrashNode.RunAsync(args);
