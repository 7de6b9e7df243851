/** The tasks a policy answers, their response templates and random answers, and the one catalogue of prompt texts. */
package visq.gpu.tasks;
