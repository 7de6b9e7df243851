/** Rollout workers: one per device, generating groups of responses and answering scoring prompts. */
package visq.actors.rollout;
