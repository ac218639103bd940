using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Entities;

namespace VarTrack.Functions.Orchestrations;

/// <summary>
/// The Durable entity whose lock is the critical section over one destination (see <see cref="DurableWorkflowSteps.LockAsync"/>).
/// It holds no state and accepts no operation: only its lock is used. Lock resources such as
/// <c>sink\ndestination</c> may contain any character and be long, so the entity key is the hex SHA-256 of the
/// resource (entity instance ids are limited to 100 characters).
/// </summary>
public static class DestinationLock
{
    public const string Name = "DestinationLock";

    public static EntityInstanceId IdFor(string resource) =>
        new(Name, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(resource))));

    [Function(Name)]
    public static Task DispatchAsync([EntityTrigger] TaskEntityDispatcher dispatcher) =>
        dispatcher.DispatchAsync(operation => ValueTask.FromException<object?>(
            new NotSupportedException($"the {Name} entity only serves as a lock; it has no operation '{operation.Name}'")));
}
