// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "view/nodedetailspane.h"

#include "view/sparkchart.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace {

const QStringList FieldNames {u"Name"_s, u"MAC"_s, u"Address"_s, u"Place"_s, u"State"_s, u"Model"_s,
    u"Serial"_s, u"Uptime"_s, u"Memory"_s, u"Throttling"_s, u"Last heard"_s};

} // namespace

NodeDetailsPane::NodeDetailsPane(RackState *state, MetricsHistory *history, QWidget *parent)
    : QWidget(parent)
    , m_state(state)
    , m_history(history)
    , m_title(new QLabel)
    , m_form(new QFormLayout)
    , m_cpu(new SparkChart(tr("CPU"), u"%"_s, QColor(0x1f, 0x6f, 0xb4)))
    , m_temperature(new SparkChart(tr("Temperature"), u"°C"_s, QColor(0xc0, 0x50, 0x20)))
{
    setAccessibleName(tr("Pi details"));
    setAccessibleDescription(
        tr("The selected Pi: where it is, what it is, and its CPU and temperature over the last "
           "minutes"));
    m_title->setTextFormat(Qt::PlainText);
    QFont bold = m_title->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.2);
    m_title->setFont(bold);
    for (const QString &name : FieldNames) {
        auto *value = new QLabel;
        value->setTextFormat(Qt::PlainText); // a node's model or serial is never rendered as HTML
        value->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        value->setWordWrap(true);
        m_fields.insert(name, value);
        m_form->addRow(tr("%1:").arg(name), value);
    }
    // Facts on the left, the two charts on the right: the pane sits in a wide, low dock.
    auto *facts = new QVBoxLayout;
    facts->addWidget(m_title);
    facts->addLayout(m_form);
    facts->addStretch(1);
    auto *charts = new QVBoxLayout;
    charts->addWidget(m_cpu, 1);
    charts->addWidget(m_temperature, 1);
    auto *layout = new QHBoxLayout(this);
    layout->addLayout(facts, 1);
    layout->addLayout(charts, 1);
    connect(m_state, &RackState::nodesChanged, this, [this](const QStringList &macs) {
        if (macs.contains(m_mac))
            refresh();
    });
    connect(m_state, &RackState::reset, this, &NodeDetailsPane::refresh);
    connect(m_history, &MetricsHistory::appended, this, [this](const QStringList &macs) {
        if (macs.contains(m_mac))
            refresh();
    });
    refresh();
}

void NodeDetailsPane::setNode(const QString &mac)
{
    m_mac = mac;
    refresh();
}

QString NodeDetailsPane::field(const QString &name) const
{
    const QLabel *label = m_fields.value(name);
    return label ? label->text() : QString();
}

Qt::TextFormat NodeDetailsPane::fieldFormat(const QString &name) const
{
    const QLabel *label = m_fields.value(name);
    return label ? label->textFormat() : Qt::AutoText;
}

QString NodeDetailsPane::formatUptime(double seconds)
{
    if (!(seconds >= 0))
        return tr("unknown");
    const qint64 total = qint64(seconds);
    const qint64 days = total / 86400;
    const qint64 hours = total % 86400 / 3600;
    const qint64 minutes = total % 3600 / 60;
    if (days > 0)
        return tr("%1 d %2 h %3 min").arg(days).arg(hours).arg(minutes);
    if (hours > 0)
        return tr("%1 h %2 min").arg(hours).arg(minutes);
    return tr("%1 min %2 s").arg(minutes).arg(total % 60);
}

void NodeDetailsPane::refresh()
{
    const NodeView *node = m_mac.isEmpty() ? nullptr : m_state->node(m_mac);
    if (!node) {
        m_title->setText(m_mac.isEmpty() ? tr("Select a Pi to see its details.")
                                         : tr("%1 is no longer in the rack.").arg(m_mac));
        for (QLabel *value : std::as_const(m_fields))
            value->clear();
        m_cpu->clear();
        m_temperature->clear();
        return;
    }
    const QJsonObject &metrics = node->metrics;
    const auto number = [&metrics](const char *key) {
        const QJsonValue value = metrics.value(QLatin1String(key));
        return value.isDouble() ? value.toDouble() : qQNaN();
    };
    m_title->setText(node->label());
    m_fields.value(u"Name"_s)->setText(node->name.isEmpty() ? tr("(not placed)") : node->name);
    m_fields.value(u"MAC"_s)->setText(node->mac);
    m_fields.value(u"Address"_s)->setText(node->address.isEmpty() ? tr("unknown") : node->address);
    m_fields.value(u"Place"_s)
        ->setText(node->stack ? tr("stack %1, slot %2").arg(*node->stack).arg(node->slot.value_or(0))
                              : tr("not placed"));
    m_fields.value(u"State"_s)->setText(node->state);
    const QString model = node->identity.value(u"model"_s).toString();
    m_fields.value(u"Model"_s)->setText(model.isEmpty() ? tr("unknown") : model);
    const QString serial = node->identity.value(u"serial"_s).toString();
    m_fields.value(u"Serial"_s)->setText(serial.isEmpty() ? tr("unknown") : serial);
    m_fields.value(u"Uptime"_s)->setText(formatUptime(number("uptime_s")));
    const double total = number("memory_total_kib");
    const double available = number("memory_available_kib");
    m_fields.value(u"Memory"_s)
        ->setText(std::isnan(total) || std::isnan(available) ? tr("unknown")
                                                             : tr("%1 MiB free of %2 MiB")
                                                                   .arg(available / 1024.0, 0, 'f', 0)
                                                                   .arg(total / 1024.0, 0, 'f', 0));
    const QJsonObject throttled = metrics.value(u"throttled"_s).toObject();
    QStringList problems;
    if (throttled.value(u"under_voltage"_s).toBool())
        problems.append(tr("under-voltage now"));
    if (throttled.value(u"throttled"_s).toBool())
        problems.append(tr("throttled now"));
    if (throttled.value(u"under_voltage_occurred"_s).toBool())
        problems.append(tr("under-voltage since boot"));
    m_fields.value(u"Throttling"_s)
        ->setText(throttled.isEmpty() ? tr("unknown")
                : problems.isEmpty()  ? tr("none")
                                      : problems.join(u", "_s));
    m_fields.value(u"Last heard"_s)
        ->setText(node->lastSeen.isValid() ? node->lastSeen.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s)
                                           : tr("never"));

    QList<SparkChart::Point> cpu;
    QList<SparkChart::Point> temperature;
    for (const MetricsSample &sample : m_history->samples(m_mac)) {
        cpu.append({sample.time, sample.cpuPercent});
        temperature.append({sample.time, sample.temperatureCelsius});
    }
    // The last five minutes up to the newest sample (rackd's clock, not this laptop's).
    const QDateTime now = cpu.isEmpty() ? QDateTime::currentDateTimeUtc() : cpu.constLast().time;
    m_cpu->setPoints(cpu, now, std::chrono::minutes(5), 100.0);
    m_temperature->setPoints(temperature, now, std::chrono::minutes(5));
}
