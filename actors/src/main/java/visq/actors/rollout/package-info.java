/**
 * Rollout workers: one per device, generating groups of responses and answering scoring prompts, and the answer and
 * failure types they (and the router in front of them) reply with. Routers are told of weight versions through
 * {@link visq.actors.rollout.VersionListeners}, so this package does not import the router.
 */
package visq.actors.rollout;
