package visq.gpu.eval;

/**
 * Counts the strictly decreasing pairs (i < j, a[i] > a[j]) of an array while sorting it in place: the discordant
 * pairs of Kendall's tau once the other coordinate is sorted. Equal values are not counted.
 */
final class MergeSortInversions {

    private MergeSortInversions() {}

    /** Sorts {@code values} ascending and returns how many pairs were out of order. */
    static long countAndSort(double[] values) {
        double[] buffer = new double[values.length];
        long inversions = 0;
        for (int width = 1; width < values.length; width *= 2) {
            for (int lo = 0; lo < values.length - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = Math.min(lo + 2 * width, values.length);
                inversions += merge(values, buffer, lo, mid, hi);
            }
        }
        return inversions;
    }

    private static long merge(double[] values, double[] buffer, int lo, int mid, int hi) {
        long inversions = 0;
        int left = lo;
        int right = mid;
        int out = lo;
        while (left < mid && right < hi) {
            if (values[right] < values[left]) {
                inversions += mid - left;
                buffer[out++] = values[right++];
            } else {
                buffer[out++] = values[left++];
            }
        }
        while (left < mid) {
            buffer[out++] = values[left++];
        }
        while (right < hi) {
            buffer[out++] = values[right++];
        }
        System.arraycopy(buffer, lo, values, lo, hi - lo);
        return inversions;
    }
}
