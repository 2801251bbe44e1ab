// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "prometheusexposition.h"

#include <QLocale>
#include <QRegularExpression>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace {

QString typeName(PrometheusExposition::Type type)
{
    switch (type) {
    case PrometheusExposition::Type::Gauge:
        return u"gauge"_s;
    case PrometheusExposition::Type::Counter:
        return u"counter"_s;
    case PrometheusExposition::Type::Histogram:
        return u"histogram"_s;
    }
    return u"untyped"_s;
}

} // namespace

bool PrometheusExposition::isValidMetricName(const QString &name)
{
    static const QRegularExpression valid(u"^[a-zA-Z_:][a-zA-Z0-9_:]*$"_s);
    return valid.match(name).hasMatch();
}

bool PrometheusExposition::isValidLabelName(const QString &name)
{
    // Names starting with "__" are reserved for Prometheus itself.
    static const QRegularExpression valid(u"^[a-zA-Z_][a-zA-Z0-9_]*$"_s);
    return valid.match(name).hasMatch() && !name.startsWith(u"__"_s);
}

QString PrometheusExposition::escapedLabelValue(const QString &value)
{
    QString escaped;
    escaped.reserve(value.size());
    for (const QChar character : value) {
        if (character == u'\\')
            escaped += u"\\\\"_s;
        else if (character == u'"')
            escaped += u"\\\""_s;
        else if (character == u'\n')
            escaped += u"\\n"_s;
        else
            escaped += character;
    }
    return escaped;
}

QString PrometheusExposition::escapedHelp(const QString &help)
{
    QString escaped = help;
    escaped.replace(u'\\', u"\\\\"_s);
    escaped.replace(u'\n', u"\\n"_s);
    return escaped;
}

QByteArray PrometheusExposition::formattedValue(double value)
{
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    if (value == std::trunc(value) && std::fabs(value) < 1e15)
        return QByteArray::number(qint64(value));
    return QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
}

void PrometheusExposition::family(const QString &name, Type type, const QString &help)
{
    Q_ASSERT_X(isValidMetricName(name), "PrometheusExposition::family", "invalid metric name");
    Q_ASSERT_X(type != Type::Counter || name.endsWith(u"_total"_s), "PrometheusExposition::family",
        "a counter's name ends in _total");
    m_family = name;
    m_type = type;
    m_text += "# HELP " + name.toUtf8() + ' ' + escapedHelp(help).toUtf8() + '\n';
    m_text += "# TYPE " + name.toUtf8() + ' ' + typeName(type).toUtf8() + '\n';
}

void PrometheusExposition::sample(const Labels &labels, double value)
{
    Q_ASSERT_X(m_type != Type::Histogram, "PrometheusExposition::sample", "a histogram takes histogram()");
    writeSample(m_family, labels, value);
}

void PrometheusExposition::histogram(
    const Labels &labels, const QList<double> &upperBounds, const QList<quint64> &counts, double sum)
{
    Q_ASSERT_X(m_type == Type::Histogram && counts.size() == upperBounds.size() + 1,
        "PrometheusExposition::histogram", "one count per bucket and one for +Inf");
    quint64 cumulative = 0;
    for (qsizetype bucket = 0; bucket < counts.size(); ++bucket) {
        cumulative += counts.at(bucket);
        Labels withBound = labels;
        const double bound = bucket < upperBounds.size() ? upperBounds.at(bucket) : INFINITY;
        withBound.append({u"le"_s, QString::fromLatin1(formattedValue(bound))});
        writeSample(m_family + u"_bucket"_s, withBound, double(cumulative));
    }
    writeSample(m_family + u"_sum"_s, labels, sum);
    writeSample(m_family + u"_count"_s, labels, double(cumulative));
}

void PrometheusExposition::writeSample(const QString &name, const Labels &labels, double value)
{
    m_text += name.toUtf8();
    if (!labels.isEmpty()) {
        m_text += '{';
        for (qsizetype i = 0; i < labels.size(); ++i) {
            Q_ASSERT_X(isValidLabelName(labels.at(i).first), "PrometheusExposition", "invalid label name");
            if (i > 0)
                m_text += ',';
            m_text += labels.at(i).first.toUtf8() + "=\"" + escapedLabelValue(labels.at(i).second).toUtf8()
                + '"';
        }
        m_text += '}';
    }
    m_text += ' ' + formattedValue(value) + '\n';
}
