// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <utility>

/**
 * Writes the Prometheus text exposition format (version 0.0.4): metric families, each with its HELP
 * and TYPE lines once, then its samples. Label values come from outside (node names from the
 * structure file) and are escaped; metric and label names are ours and must be valid (checked).
 */
class PrometheusExposition
{
public:
    enum class Type { Gauge, Counter, Histogram };
    using Labels = QList<std::pair<QString, QString>>;

    /// What `Content-Type` a scrape's answer carries.
    static constexpr char ContentType[] = "text/plain; version=0.0.4; charset=utf-8";

    /**
     * Starts a family; the samples that follow belong to it. A counter's `name` ends in `_total`; in
     * this format (unlike OpenMetrics) its HELP and TYPE lines carry the same name.
     */
    void family(const QString &name, Type type, const QString &help);
    /// One sample of the current gauge or counter family.
    void sample(const Labels &labels, double value);
    /**
     * One histogram of the current histogram family: `upperBounds` ascending, `counts` the number of
     * observations in each bucket (not cumulative; one more than the bounds, for +Inf).
     */
    void histogram(
        const Labels &labels, const QList<double> &upperBounds, const QList<quint64> &counts, double sum);

    QByteArray text() const { return m_text; }

    static bool isValidMetricName(const QString &name);
    static bool isValidLabelName(const QString &name);
    static QString escapedLabelValue(const QString &value);
    static QString escapedHelp(const QString &help);
    /// As the format writes a float: integers without a fraction, NaN and the infinities by name.
    static QByteArray formattedValue(double value);

private:
    void writeSample(const QString &name, const Labels &labels, double value);

    QByteArray m_text;
    QString m_family;
    Type m_type = Type::Gauge;
};
