/** The tasks a policy answers, their labels and the one catalogue of prompt texts. */
package visq.gpu.tasks;
