package io.streamrec.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.List;

/** Latency against offered load (p50, p99, p99.9), drawn with java.awt in headless mode: no Python needed. */
final class LatencyPlot {
    private LatencyPlot() {}

    static void write(File file, List<LatencyPoint> points, double maxRate, String title)
            throws java.io.IOException {
        System.setProperty("java.awt.headless", "true");
        int w = 900;
        int h = 560;
        int left = 80;
        int right = 30;
        int top = 60;
        int bottom = 70;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double xMax = maxRate;
        double yMax = 1;
        for (LatencyPoint p : points) {
            xMax = Math.max(xMax, p.offeredPerSecond);
            yMax = Math.max(yMax, p.latency.pMs(0.999));
        }
        // log scale: p50 (a few ms) and p99.9 (up to seconds under load) on one plot
        double yMin = 1;
        for (LatencyPoint p : points) {
            yMin = Math.min(yMin, p.latency.pMs(0.5));
        }
        yMin = Math.pow(10, Math.floor(Math.log10(Math.max(0.1, yMin))));
        yMax = Math.pow(10, Math.ceil(Math.log10(yMax * 1.05)));
        final double lo = Math.log10(yMin);
        final double span = Math.log10(yMax) - lo;
        xMax = niceCeil(xMax * 1.05);
        int pw = w - left - right;
        int ph = h - top - bottom;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(new Color(230, 230, 230));
        int decades = (int) Math.round(span);
        for (int i = 0; i <= decades; i++) {
            int y = top + ph - (int) (ph * i / (double) decades);
            g.drawLine(left, y, left + pw, y);
        }
        for (int i = 0; i <= 5; i++) {
            int x = left + (int) (pw * i / 5.0);
            g.drawLine(x, top, x, top + ph);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, pw, ph);
        for (int i = 0; i <= decades; i++) {
            int y = top + ph - (int) (ph * i / (double) decades);
            double v = Math.pow(10, lo + i);
            g.drawString(v < 1 ? String.format("%.1f", v) : String.format("%.0f", v), left - 45, y + 5);
        }
        for (int i = 0; i <= 5; i++) {
            int x = left + (int) (pw * i / 5.0);
            g.drawString(String.format("%.0f", xMax * i / 5), x - 12, top + ph + 20);
        }
        g.drawString("offered load (events/s)", left + pw / 2 - 70, h - 25);
        g.rotate(-Math.PI / 2);
        g.drawString("event → recommendation latency (ms, log scale)", -(top + ph / 2 + 150), 25);
        g.rotate(Math.PI / 2);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, left, 30);
        // the max sustainable rate measured in the same run
        g.setColor(Color.GRAY);
        int mx = left + (int) (pw * maxRate / xMax);
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{6f, 6f}, 0f));
        g.drawLine(mx, top, mx, top + ph);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("max drain rate", mx - 95, top + 15);
        Color[] colors = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(214, 39, 40)};
        double[] qs = {0.5, 0.99, 0.999};
        String[] labels = {"p50", "p99", "p99.9"};
        for (int s = 0; s < qs.length; s++) {
            g.setColor(colors[s]);
            g.setStroke(new BasicStroke(2.5f));
            int px = -1;
            int py = -1;
            for (LatencyPoint p : points) {
                int x = left + (int) (pw * p.offeredPerSecond / xMax);
                double v = Math.max(yMin, p.latency.pMs(qs[s]));
                int y = top + ph - (int) (ph * Math.min(1.0, (Math.log10(v) - lo) / span));
                g.fillOval(x - 4, y - 4, 8, 8);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            g.fillRect(left + 15, top + 12 + s * 20, 18, 4);
            g.drawString(labels[s], left + 40, top + 18 + s * 20);
        }
        g.dispose();
        File parent = file.getAbsoluteFile().getParentFile();
        if (parent != null) {
            parent.mkdirs();
        }
        ImageIO.write(img, "png", file);
    }

    private static double niceCeil(double v) {
        double e = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[]{1, 2, 2.5, 5, 10}) {
            if (m * e >= v) {
                return m * e;
            }
        }
        return 10 * e;
    }
}
