using ApprovalPortal.CrashHost;

// The engine in a process of its own, for the crash-recovery test to kill:
//   seed <provider> <connection> <count>   starts <count> workflows, prints "seeded", exits
//   run  <provider> <connection>           runs whatever is runnable until killed
//   schedule <provider> <connection>       fires a schedule every second (and runs what it starts) until killed
// Every engine trace marker goes to stdout, one per line, flushed, so the killer knows where it struck.
return await CrashNode.RunAsync(args);
