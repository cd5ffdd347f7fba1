/**
 * Who owns the provider-side resources (Files, Message Batches, stored Responses) created through Sluice.
 * Must be strongly consistent: a resource is claimed before its create answer reaches the client, and the
 * very next read, from any instance, must see the claim.
 */
export interface ResourceStore {
  /**
   * Records `owner` (a client key id) for `resource` ("<provider>:<id>"). The first claim wins and is never
   * overwritten; the answer is the owner on record after the call.
   */
  claim(resource: string, owner: string): Promise<string>;
  /** The owner on record, or null when Sluice did not create it. */
  owner(resource: string): Promise<string | null>;
  /** Forgets a resource (after it was deleted upstream). Unknown resources are not an error. */
  forget(resource: string): Promise<void>;
}
