package visq.deploy.eval;

/** How many answers of one task the serving path could read, of how many were asked. */
public record ParseCount(int parsed, int answered) {

    public double rate() {
        return answered == 0 ? Double.NaN : (double) parsed / answered;
    }
}
