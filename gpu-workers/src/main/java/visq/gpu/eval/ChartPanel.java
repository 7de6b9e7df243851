package visq.gpu.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;

/**
 * One set of axes drawn in a rectangle of a chart: a frame, ticks with labels, light grid lines, a title and axis
 * labels. Gives the {@link AxisScale}s that map data into its plotting area.
 */
final class ChartPanel {

    static final Color INK = new Color(0x22, 0x22, 0x22);
    private static final Color GRID = new Color(0xE4, 0xE4, 0xE4);
    private static final int LEFT_MARGIN = 62;
    private static final int RIGHT_MARGIN = 16;
    private static final int TOP_MARGIN = 30;
    private static final int BOTTOM_MARGIN = 46;

    private final Rectangle plotArea;
    private final AxisScale x;
    private final AxisScale y;

    private ChartPanel(Rectangle plotArea, AxisScale x, AxisScale y) {
        this.plotArea = plotArea;
        this.x = x;
        this.y = y;
    }

    /** Lays out axes for the data ranges inside {@code bounds} and draws frame, grid, ticks and labels. */
    static ChartPanel draw(Graphics2D g, Rectangle bounds, String title, String xLabel, String yLabel,
            double xMin, double xMax, double yMin, double yMax) {
        Rectangle area = new Rectangle(bounds.x + LEFT_MARGIN, bounds.y + TOP_MARGIN,
                Math.max(10, bounds.width - LEFT_MARGIN - RIGHT_MARGIN),
                Math.max(10, bounds.height - TOP_MARGIN - BOTTOM_MARGIN));
        AxisScale xs = AxisScale.covering(xMin, xMax, 6, area.x, area.x + area.width);
        AxisScale ys = AxisScale.covering(yMin, yMax, 6, area.y + area.height, area.y);
        ChartPanel panel = new ChartPanel(area, xs, ys);
        panel.drawFrame(g, bounds, title, xLabel, yLabel);
        return panel;
    }

    AxisScale x() {
        return x;
    }

    AxisScale y() {
        return y;
    }

    Rectangle plotArea() {
        return plotArea;
    }

    private void drawFrame(Graphics2D g, Rectangle bounds, String title, String xLabel, String yLabel) {
        Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        g.setFont(tickFont);
        FontMetrics fm = g.getFontMetrics();
        g.setStroke(new BasicStroke(1f));
        for (double tick : x.ticks()) {
            double px = x.toPixel(tick);
            g.setColor(GRID);
            g.draw(new Line2D.Double(px, plotArea.y, px, plotArea.y + plotArea.height));
            g.setColor(INK);
            g.draw(new Line2D.Double(px, plotArea.y + plotArea.height, px, plotArea.y + plotArea.height + 4));
            String label = x.label(tick);
            g.drawString(label, (float) (px - fm.stringWidth(label) / 2.0),
                    plotArea.y + plotArea.height + 6 + fm.getAscent());
        }
        for (double tick : y.ticks()) {
            double py = y.toPixel(tick);
            g.setColor(GRID);
            g.draw(new Line2D.Double(plotArea.x, py, plotArea.x + plotArea.width, py));
            g.setColor(INK);
            g.draw(new Line2D.Double(plotArea.x - 4, py, plotArea.x, py));
            String label = y.label(tick);
            g.drawString(label, plotArea.x - 7 - fm.stringWidth(label), (float) (py + fm.getAscent() / 2.0 - 1));
        }
        g.setColor(INK);
        g.draw(plotArea);

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics labelMetrics = g.getFontMetrics();
        g.drawString(xLabel, plotArea.x + (plotArea.width - labelMetrics.stringWidth(xLabel)) / 2,
                bounds.y + bounds.height - 8);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(plotArea.y + (plotArea.height + labelMetrics.stringWidth(yLabel)) / 2),
                bounds.x + labelMetrics.getAscent() + 2);
        g.setTransform(saved);

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        FontMetrics titleMetrics = g.getFontMetrics();
        g.drawString(title, bounds.x + (bounds.width - titleMetrics.stringWidth(title)) / 2,
                bounds.y + titleMetrics.getAscent() + 6);
    }
}
