package visq.gpu.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * PNG charts of an evaluation, drawn with Java2D off screen (the JVM is switched to headless mode unless a caller
 * chose otherwise): predicted scores against MOS with the fitted logistic, and training curves as small multiples.
 */
public final class Plots {

    private static final Color POINT = new Color(0x1F, 0x77, 0xB4, 150);
    private static final Color CURVE = new Color(0xD6, 0x27, 0x28);
    private static final Color[] SERIES_COLOURS = {
        new Color(0x1F, 0x77, 0xB4), new Color(0xFF, 0x7F, 0x0E), new Color(0x2C, 0xA0, 0x2C),
        new Color(0xD6, 0x27, 0x28), new Color(0x94, 0x67, 0xBD), new Color(0x8C, 0x56, 0x4B)
    };
    private static final int CURVE_SAMPLES = 200;
    private static final int PANEL_COLUMNS = 2;
    private static final int SPARSE_POINTS = 25;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Plots() {}

    /**
     * Writes a scatter of {@code predicted} (x) against {@code mos} (y) with {@code fit}'s logistic curve drawn over
     * the range of the predictions, and returns {@code file}.
     */
    public static Path writeScatterWithFit(Path file, String title, double[] predicted, double[] mos,
            LogisticFitResult fit, int width, int height) throws IOException {
        CorrelationMetrics.checkPairs(predicted, mos);
        checkSize(width, height);
        BufferedImage image = canvas(width, height);
        Graphics2D g = graphics(image);
        try {
            double xMin = min(predicted);
            double xMax = max(predicted);
            double[] curveX = new double[CURVE_SAMPLES];
            double[] curveY = new double[CURVE_SAMPLES];
            double yMin = min(mos);
            double yMax = max(mos);
            for (int i = 0; i < CURVE_SAMPLES; i++) {
                curveX[i] = xMin + (xMax - xMin) * i / (CURVE_SAMPLES - 1);
                curveY[i] = fit.parameters().valueAt(curveX[i]);
                if (Double.isFinite(curveY[i])) {
                    yMin = Math.min(yMin, curveY[i]);
                    yMax = Math.max(yMax, curveY[i]);
                }
            }
            ChartPanel panel = ChartPanel.draw(g, new Rectangle(0, 0, width, height), title, "predicted score",
                    "MOS", xMin, xMax, yMin, yMax);
            g.setClip(panel.plotArea());
            g.setColor(POINT);
            for (int i = 0; i < predicted.length; i++) {
                double px = panel.x().toPixel(predicted[i]);
                double py = panel.y().toPixel(mos[i]);
                g.fill(new Ellipse2D.Double(px - 2.5, py - 2.5, 5, 5));
            }
            g.setColor(CURVE);
            g.setStroke(new BasicStroke(2f));
            g.draw(polyline(panel, curveX, curveY));
            g.setClip(null);
            g.setColor(ChartPanel.INK);
            g.drawString("logistic fit: " + fit.status().name().toLowerCase(Locale.ROOT),
                    panel.plotArea().x + 6, panel.plotArea().y + 14);
        } finally {
            g.dispose();
        }
        return write(image, file);
    }

    /**
     * Writes the training curves as small multiples (two columns, one panel per series, each with its own y axis
     * over the training step) and returns {@code file}. NaN points are skipped (the line joins
     * the finite points on either side), and series with few finite points get a dot on each.
     */
    public static Path writeTrainingCurves(Path file, String title, List<TrainingSeries> series, int width,
            int height) throws IOException {
        if (series.isEmpty()) {
            throw new IllegalArgumentException("no training series to plot");
        }
        checkSize(width, height);
        BufferedImage image = canvas(width, height);
        Graphics2D g = graphics(image);
        try {
            int titleHeight = 28;
            g.setColor(ChartPanel.INK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            int titleWidth = g.getFontMetrics().stringWidth(title);
            g.drawString(title, (width - titleWidth) / 2, 20);
            int columns = Math.min(PANEL_COLUMNS, series.size());
            int rows = (series.size() + columns - 1) / columns;
            int panelWidth = width / columns;
            int panelHeight = (height - titleHeight) / rows;
            for (int k = 0; k < series.size(); k++) {
                Rectangle bounds = new Rectangle((k % columns) * panelWidth,
                        titleHeight + (k / columns) * panelHeight, panelWidth, panelHeight);
                drawSeries(g, bounds, series.get(k), SERIES_COLOURS[k % SERIES_COLOURS.length]);
            }
        } finally {
            g.dispose();
        }
        return write(image, file);
    }

    private static void drawSeries(Graphics2D g, Rectangle bounds, TrainingSeries series, Color colour) {
        double[] steps = series.steps();
        double[] values = series.values();
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < steps.length; i++) {
            if (Double.isFinite(steps[i]) && Double.isFinite(values[i])) {
                xMin = Math.min(xMin, steps[i]);
                xMax = Math.max(xMax, steps[i]);
                yMin = Math.min(yMin, values[i]);
                yMax = Math.max(yMax, values[i]);
            }
        }
        ChartPanel panel = ChartPanel.draw(g, bounds, series.name(), "step", series.name(), xMin, xMax, yMin, yMax);
        g.setClip(panel.plotArea());
        g.setColor(colour);
        g.setStroke(new BasicStroke(1.6f));
        g.draw(polyline(panel, steps, values));
        markSparsePoints(g, panel, steps, values);
        g.setClip(null);
    }

    /** A polyline through the finite points in order; non-finite points are skipped. */
    private static Shape polyline(ChartPanel panel, double[] xs, double[] ys) {
        Path2D.Double path = new Path2D.Double();
        boolean started = false;
        for (int i = 0; i < xs.length; i++) {
            if (!Double.isFinite(xs[i]) || !Double.isFinite(ys[i])) {
                continue;
            }
            double px = panel.x().toPixel(xs[i]);
            double py = panel.y().toPixel(ys[i]);
            if (started) {
                path.lineTo(px, py);
            } else {
                path.moveTo(px, py);
                started = true;
            }
        }
        return path;
    }

    /** Dots on the finite points, so that sparse series (and single points) stay visible. */
    private static void markSparsePoints(Graphics2D g, ChartPanel panel, double[] xs, double[] ys) {
        int finite = 0;
        for (int i = 0; i < xs.length; i++) {
            finite += Double.isFinite(xs[i]) && Double.isFinite(ys[i]) ? 1 : 0;
        }
        if (finite > SPARSE_POINTS) {
            return;
        }
        for (int i = 0; i < xs.length; i++) {
            if (Double.isFinite(xs[i]) && Double.isFinite(ys[i])) {
                g.fill(new Ellipse2D.Double(panel.x().toPixel(xs[i]) - 2.5, panel.y().toPixel(ys[i]) - 2.5, 5, 5));
            }
        }
    }

    private static BufferedImage canvas(int width, int height) {
        return new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    }

    private static Graphics2D graphics(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        return g;
    }

    private static Path write(BufferedImage image, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
        return file;
    }

    private static void checkSize(int width, int height) {
        if (width < 100 || height < 100 || width > 8000 || height > 8000) {
            throw new IllegalArgumentException("chart size must be 100..8000 pixels a side, got " + width + "×" + height);
        }
    }

    private static double min(double[] values) {
        double min = Double.POSITIVE_INFINITY;
        for (double v : values) {
            min = Math.min(min, v);
        }
        return min;
    }

    private static double max(double[] values) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            max = Math.max(max, v);
        }
        return max;
    }
}
