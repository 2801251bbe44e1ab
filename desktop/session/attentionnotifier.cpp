// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/attentionnotifier.h"

#include "protocol/eventwording.h"
#include "protocol/installrecord.h"
#include "system/printable.h"

using namespace Qt::Literals::StringLiterals;
using Protocol::EventName;

AttentionNotifier::AttentionNotifier(
    RackSession *session, RackState *state, NotificationSink *sink, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_state(state)
    , m_sink(sink)
{
    m_gather.setSingleShot(true);
    m_gather.setInterval(std::chrono::seconds(2));
    connect(&m_gather, &QTimer::timeout, this, &AttentionNotifier::flush);
    connect(m_session, &RackSession::eventReceived, this, &AttentionNotifier::onEvent);
    connect(m_session, &RackSession::installChanged, this, &AttentionNotifier::onInstall);
    connect(m_state, &RackState::stackChanged, this, &AttentionNotifier::onStackChanged);
    connect(m_state, &RackState::reset, this, &AttentionNotifier::remember);
}

void AttentionNotifier::setEnabled(bool enabled)
{
    m_enabled = enabled;
    if (!enabled) {
        m_pending.clear();
        m_pendingCritical = false;
        m_gather.stop();
    }
}

void AttentionNotifier::remember()
{
    // A rack (re)loaded: what it is now is the starting point, not news.
    m_stackStates.clear();
    for (const StackView &stack : m_state->stacks())
        m_stackStates.insert(stack.id, stack.state());
}

void AttentionNotifier::onStackChanged(int stack)
{
    const StackView *view = m_state->stack(stack);
    if (!view)
        return;
    const StackState now = view->state();
    const StackState before = m_stackStates.value(stack, now);
    m_stackStates.insert(stack, now);
    // From off, ko is only the Pis still booting; from ok or warning, it is every Pi gone.
    if (now == StackState::Ko && (before == StackState::Ok || before == StackState::Warning))
        queue(tr("Stack %1 is ko: none of its Pis answers.").arg(stack), true);
}

void AttentionNotifier::onEvent(const Protocol::Event &event)
{
    const std::optional<EventName> name = Protocol::fromName<EventName>(event.name);
    if (!name)
        return;
    const bool givenUp
        = *name == EventName::RecoveryDone && event.data.value(u"outcome"_s).toString() == u"given-up";
    const bool detected = *name == EventName::RecoveryDetected
        && event.data.value(u"condition"_s).toString() != u"agent-gone"; // noticed, not alarming
    if (!givenUp && !detected)
        return;
    const EventWording::Sentence sentence = EventWording::describe(event);
    queue(Printable::oneLine(sentence.text, 300), sentence.severity == EventWording::Severity::Critical);
}

void AttentionNotifier::onInstall(const QJsonObject &install)
{
    QString error;
    const std::optional<InstallRecord> record = InstallRecord::fromJson(install, &error);
    if (!record)
        return;
    QString wait;
    QString line;
    if (!record->operatorInstruction.isEmpty()) {
        wait = u"do:"_s + record->operatorInstruction;
        line = tr("The install waits for you: %1").arg(Printable::oneLine(record->operatorInstruction, 300));
    } else if (record->outcome == InstallRecord::Outcome::WaitingForDecision) {
        for (const InstallStack &stack : record->stacks) {
            if (stack.status != InstallStack::Status::NeedsDecision)
                continue;
            wait = u"decide:%1:%2"_s.arg(stack.id).arg(stack.attempts);
            line = tr("The install waits for a decision on stack %1: %2")
                       .arg(stack.id)
                       .arg(Printable::oneLine(stack.problem, 300));
        }
    }
    if (wait == m_installWait)
        return;
    m_installWait = wait;
    if (!line.isEmpty())
        queue(line, false);
}

void AttentionNotifier::queue(const QString &line, bool critical)
{
    if (!m_enabled)
        return;
    m_pending.append(line);
    m_pendingCritical = m_pendingCritical || critical;
    if (!m_gather.isActive())
        m_gather.start();
}

void AttentionNotifier::flush()
{
    if (m_pending.isEmpty())
        return;
    const QString rack = m_rackName.isEmpty() ? tr("the rack") : m_rackName;
    const QString title = m_pending.size() == 1
        ? tr("PiRack: %1 needs you").arg(rack)
        : tr("PiRack: %n things on %1 need you", nullptr, int(m_pending.size())).arg(rack);
    QStringList lines = m_pending.mid(0, 5);
    if (m_pending.size() > 5)
        lines.append(tr("… and %n more: see the event log", nullptr, int(m_pending.size() - 5)));
    const QString body = lines.join(u'\n');
    const bool critical = m_pendingCritical;
    m_pending.clear();
    m_pendingCritical = false;
    if (m_sink)
        m_sink->notify(title, body, critical);
    Q_EMIT notified(title, body);
}
