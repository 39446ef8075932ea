package io.streamrec.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** A grouped bar chart (HR@20 and MRR@20 per method, one panel per protocol), drawn headless with java.awt. */
final class Chart {
    private Chart() {}

    /** @param values [protocol][method][0 = HR@20, 1 = MRR@20] */
    static void write(Path png, String title, List<String> methods, String[] protocols, double[][][] values)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        int panelW = Math.max(420, 70 * methods.size() + 80);
        int w = panelW * protocols.length + 20;
        int h = 420;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, 12, 22);
        double max = 0.05;
        for (double[][] p : values) {
            for (double[] m : p) {
                max = Math.max(max, Math.max(m[0], m[1]));
            }
        }
        max = Math.ceil(max * 10) / 10.0;
        Color[] colors = {new Color(0x4C72B0), new Color(0xDD8452)};
        String[] series = {"HR@20", "MRR@20"};
        for (int pi = 0; pi < protocols.length; pi++) {
            int x0 = 10 + pi * panelW + 50;
            int y0 = h - 70;
            int ph = h - 130;
            int pw = panelW - 70;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.setColor(Color.BLACK);
            g.drawString("protocol: " + protocols[pi], x0, 45);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (int t = 0; t <= 5; t++) {
                double v = max * t / 5;
                int y = y0 - (int) (ph * v / max);
                g.setColor(new Color(0xDDDDDD));
                g.drawLine(x0, y, x0 + pw, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "%.2f", v), x0 - 36, y + 4);
            }
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1f));
            g.drawLine(x0, y0, x0 + pw, y0);
            int slot = pw / Math.max(1, methods.size());
            int bw = Math.max(6, (slot - 14) / 2);
            for (int mi = 0; mi < methods.size(); mi++) {
                int sx = x0 + mi * slot + 7;
                for (int s = 0; s < 2; s++) {
                    double v = values[pi][mi][s];
                    int bh = (int) Math.round(ph * v / max);
                    g.setColor(colors[s]);
                    g.fillRect(sx + s * bw, y0 - bh, bw - 1, bh);
                }
                g.setColor(Color.BLACK);
                String name = methods.get(mi);
                int tw = g.getFontMetrics().stringWidth(name);
                g.drawString(name, sx + bw - tw / 2, y0 + 15 + (mi % 2) * 13);
            }
        }
        for (int s = 0; s < 2; s++) {
            g.setColor(colors[s]);
            g.fillRect(w - 200 + s * 95, 10, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(series[s], w - 182 + s * 95, 22);
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }
}
