using ApprovalPortal.Engine.Storage;

namespace ApprovalPortal.Engine.Changes;

/// <summary>Where a committed change hands an instance it made runnable: this node's runner when it runs work, else the
/// workers are woken. The seam lets the changes sit below the execution that runs them.</summary>
internal interface IRunnableWork
{
    /// <summary>Runs <paramref name="row"/> (committed, runnable) here or wakes the workers. Never throws.</summary>
    void Hand(InstanceRow row);
}
