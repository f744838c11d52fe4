package dev.countersign.notifier.kiosk;

import java.util.Map;

import jakarta.inject.Singleton;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

import dev.countersign.notifier.config.NotifierConfig;

/**
 * The kiosk page's QR code, made by ZXing and drawn as SVG: one module per unit, a 4-module quiet
 * zone, one path of unit squares, no script or library in the page. Its intrinsic size is one
 * pixel per module, so the page can scale it by a whole number: a code drawn at a fractional
 * pixel pitch has modules of uneven width, which scanners misread (ZXing failed on ~5 % of them).
 */
@Singleton
public class QrCodes {

    public static final String PLACEHOLDER = "{challengeId}";

    private final String template;

    public QrCodes(NotifierConfig config) {
        this.template = config.kiosk().qrPayload();
    }

    /** What the QR code of this challenge carries (the configured template, e.g. a deep link). */
    public String payload(String challengeId) {
        return template.replace(PLACEHOLDER, challengeId);
    }

    public String svg(String challengeId) {
        BitMatrix matrix;
        try {
            matrix = new QRCodeWriter().encode(payload(challengeId), BarcodeFormat.QR_CODE, 0, 0,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 4,
                            EncodeHintType.CHARACTER_SET, "UTF-8"));
        } catch (WriterException e) {
            throw new IllegalStateException("QR code not encodable", e);
        }
        int width = matrix.getWidth();
        int height = matrix.getHeight();
        StringBuilder path = new StringBuilder();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (matrix.get(x, y)) {
                    path.append('M').append(x).append(' ').append(y).append("h1v1h-1z");
                }
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height
                + "\" viewBox=\"0 0 " + width + " " + height + "\" shape-rendering=\"crispEdges\">"
                + "<rect width=\"" + width + "\" height=\"" + height + "\" fill=\"#fff\"/>"
                + "<path fill=\"#000\" d=\"" + path + "\"/></svg>";
    }
}
