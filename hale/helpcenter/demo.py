"""Demo Help Center content, written the way each demo brand works.

``seed_demo_articles`` is idempotent: an article whose slug already exists on the brand is left
exactly as it is (staff may have edited or unpublished it), and only missing ones are created.
The texts are content, not interface strings, so they are not marked for translation; each
article carries its own language instead.
"""

from dataclasses import dataclass

from hale.helpcenter import actions
from hale.helpcenter.models import Article
from hale.tenancy.models import Brand


@dataclass(frozen=True)
class DemoArticle:
    slug: str
    title: str
    summary: str
    body: str
    position: int
    language: str = "en"


def _privacy(name: str, position: int) -> DemoArticle:
    return DemoArticle(
        slug="privacy-and-your-data",
        title="Privacy and your data",
        summary=f"What {name} keeps about you, who can see it, and how to take it with you.",
        position=position,
        body=f"""\
Your health information is personal. Here is how {name} looks after it.

## What we keep

- **Your account**: your name, email address, language and time zone.
- **Your care**: appointments, messages with your specialist, consent forms you signed and
  documents you shared.
- **Payments**: what you paid and when. Card numbers are handled by our payment provider and
  never stored by us.

## Who can see it

Only the specialists caring for you see your clinical information. {name} staff can see your
appointments and payments to help you with bookings and billing. Every time someone opens
health information, it is written in an audit log.

## Your choices

1. **Download your data** from your account settings at any time.
2. **Correct** anything that is wrong by editing your profile or asking your specialist.
3. **Delete your account**: we remove your personal data, except records we must keep by law.

Questions about privacy? Write to our support team and a person will answer.
""",
    )


def _calm_articles(name: str) -> list[DemoArticle]:
    return [
        DemoArticle(
            slug="how-to-book-your-first-session",
            title="How to book your first session",
            summary="Answer a few questions, meet your suggested therapists and pick a time.",
            position=10,
            body=f"""\
Starting therapy is a big step. {name} makes the first booking take about five minutes.

## 1. Tell us what you are looking for

Create your account, then answer a few short questions: what you would like help with, when
you are free, and whether you prefer a particular language or kind of therapist. Your answers
are only used to find your match.

## 2. Meet your matches

Our smart-matching suggests up to three therapists who fit your answers. Read their profiles,
their approach and their prices. You can ask for new suggestions at any time.

## 3. Choose a time

Pick a free slot in your therapist's calendar. Times are shown in **your** time zone.

## 4. Confirm

Pay for the session to confirm it. You will get an email with the date, the time and a link
to join the video session. See [Preparing for a video session](/help/preparing-for-a-video-session/)
for tips before the day.
""",
        ),
        DemoArticle(
            slug="preparing-for-a-video-session",
            title="Preparing for a video session",
            summary="A quiet room, a good connection and five minutes to spare.",
            position=20,
            body=f"""\
Every session at {name} happens by video, in your browser. There is nothing to install.

## Before the day

- Use a recent version of Chrome, Firefox, Safari or Edge on a computer, tablet or phone.
- Find a private, quiet place where you will not be overheard.
- Headphones help you hear and keep the conversation private.

## Five minutes before

1. Open your appointment and choose **Join video session**.
2. Allow the browser to use your camera and microphone.
3. Check that you can see and hear yourself in the preview, then join.

## If something goes wrong

| Problem | What to try |
|:--|:--|
| No picture or sound | Check the browser's camera and microphone permissions, then reload. |
| The call keeps dropping | Move closer to your router or switch off other downloads. |
| You cannot join at all | Message your therapist; they can call you or move the session. |

If the session cannot go ahead because of a problem on our side, you are not charged.
""",
        ),
        DemoArticle(
            slug="paying-for-sessions-and-receipts",
            title="Paying for sessions and receipts",
            summary="You pay when you book; receipts are in your account.",
            position=30,
            body="""\
## When you pay

You pay for each session when you book it, by card. Your booking is confirmed as soon as the
payment goes through. If the payment fails, your chosen time is held for a few minutes so you
can try again.

## Prices

Each therapist sets their own price, shown on their profile and before you pay. The price
includes any taxes.

## Receipts

Every payment has a receipt you can download as a PDF from **Payments** in your account. Many
insurers accept it for reimbursement.

## Refunds

If you cancel within the cancellation window shown on your booking, you get a full refund to
the card you paid with. Refunds usually take 5–10 working days to appear.
""",
        ),
        DemoArticle(
            slug="cancelling-or-rescheduling",
            title="Cancelling or rescheduling",
            summary="Move or cancel a session from your appointments, up to 24 hours before.",
            position=40,
            body="""\
Life happens. You can move or cancel a session yourself.

## Rescheduling

1. Open **Appointments** and choose the session.
2. Choose **Reschedule** and pick a new time with the same therapist.

Rescheduling is free up to 24 hours before the session starts.

## Cancelling

Choose **Cancel session** on the appointment. Up to 24 hours before the start you get a full
refund. Later than that, the session is usually charged, because your therapist kept the time
for you.

## If your therapist cancels

You are refunded in full straight away, and we will suggest other times.
""",
        ),
        _privacy(name, 50),
        DemoArticle(
            slug="como-reservar-tu-primera-sesion",
            title="Cómo reservar tu primera sesión",
            summary="Responde unas preguntas, conoce a tus terapeutas sugeridos y elige una hora.",
            position=10,
            language="es",
            body=f"""\
Empezar terapia es un gran paso. En {name} la primera reserva lleva unos cinco minutos.

## 1. Cuéntanos qué buscas

Crea tu cuenta y responde unas preguntas breves: en qué te gustaría recibir ayuda, cuándo
tienes tiempo y si prefieres un idioma o un tipo de terapeuta.

## 2. Conoce a tus terapeutas sugeridos

Nuestro sistema de emparejamiento te sugiere hasta tres terapeutas. Lee sus perfiles, su
enfoque y sus precios.

## 3. Elige una hora y confirma

Elige un hueco libre (las horas se muestran en **tu** zona horaria) y paga la sesión para
confirmarla. Recibirás un correo con el enlace a la videollamada.
""",
        ),
    ]


def _northside_articles(name: str) -> list[DemoArticle]:
    return [
        DemoArticle(
            slug="how-to-book-your-first-session",
            title="How to book your first session",
            summary="Browse our specialists, choose the one who suits you and pick a time.",
            position=10,
            body=f"""\
At {name} you choose your own specialist.

## Browse and choose

1. Open **Find a specialist**.
2. Filter by speciality, language, price or the next available time.
3. Read a specialist's profile, then choose **Book**.
4. Pick a time (shown in your time zone), then pay to confirm.

## Invited by the clinic?

If our team sent you an invitation email, use the link in it to create your account. Your
details and your specialist are already set up, so you can book straight away. Invitation links
work once and expire after a few days; ask us for a new one if yours has.
""",
        ),
        DemoArticle(
            slug="preparing-for-a-video-session",
            title="Preparing for a video session",
            summary="Some of our appointments happen by video. Here is how to get ready.",
            position=20,
            body="""\
Your booking says whether the appointment is at the clinic or by video.

## For a video appointment

- Use a recent browser on a computer, tablet or phone; there is nothing to install.
- Sit somewhere private and well lit, with a steady internet connection.
- Open the appointment a few minutes early and choose **Join video session**.
- Allow the camera and microphone when your browser asks.

## For a visit to the clinic

Please arrive ten minutes early and bring a list of any medicines you take.

If you cannot connect, send your specialist a message from the appointment page.
""",
        ),
        DemoArticle(
            slug="paying-for-sessions-and-receipts",
            title="Paying for sessions and receipts",
            summary="How payment works for appointments, and where to find your receipts.",
            position=30,
            body="""\
## Appointments

Each specialist sets their own price, shown on their profile. You pay by card when you book,
and the appointment is confirmed once the payment goes through.

## Receipts and refunds

| You paid for | Where to find the receipt | Refund |
|:--|:--|:--|
| An appointment | **Payments** in your account | Cancel 24 hours ahead for a full refund |
| A missed session | **Payments** in your account | At the clinic's discretion |

Refunds go back to the card you used and usually appear within 5–10 working days.
""",
        ),
        DemoArticle(
            slug="cancelling-or-rescheduling",
            title="Cancelling or rescheduling",
            summary="Change an appointment yourself, up to 24 hours before it starts.",
            position=40,
            body="""\
1. Open **Appointments** and choose the appointment.
2. Choose **Reschedule** to pick another time, or **Cancel** to cancel it.

Changes more than 24 hours before the start are free and fully refunded. For later changes,
please call the clinic; we will always try to help.

If the clinic has to cancel, you are refunded in full and we will offer you new times.
""",
        ),
        _privacy(name, 50),
        DemoArticle(
            slug="como-reservar-tu-primera-cita",
            title="Cómo reservar tu primera cita",
            summary="Explora nuestros especialistas, elige el que prefieras y reserva una hora.",
            position=10,
            language="es",
            body=f"""\
En {name} eliges tu propio especialista.

1. Abre **Buscar especialista** y filtra por especialidad, idioma o precio.
2. Lee el perfil del especialista y elige **Reservar**.
3. Elige una hora (en tu zona horaria) y paga para confirmar la cita.

¿Te ha invitado la clínica? Usa el enlace del correo de invitación para crear tu cuenta: tus
datos ya estarán preparados.
""",
        ),
    ]


def _generic_articles(name: str) -> list[DemoArticle]:
    return [
        DemoArticle(
            slug="how-to-book-your-first-session",
            title="How to book your first session",
            summary="Find a specialist, choose a time and confirm your booking.",
            position=10,
            body=f"""\
1. Create your {name} account.
2. Find a specialist who suits you and open their profile.
3. Choose a free time (shown in your time zone) and confirm.

You will get an email with everything you need for the day.
""",
        ),
        DemoArticle(
            slug="cancelling-or-rescheduling",
            title="Cancelling or rescheduling",
            summary="Move or cancel an appointment from your appointments page.",
            position=40,
            body="""\
Open **Appointments**, choose the appointment, then **Reschedule** or **Cancel**. Changes made
at least 24 hours ahead are free.
""",
        ),
        _privacy(name, 50),
        DemoArticle(
            slug="como-reservar-tu-primera-sesion",
            title="Cómo reservar tu primera sesión",
            summary="Encuentra un especialista, elige una hora y confirma la reserva.",
            position=10,
            language="es",
            body=f"""\
1. Crea tu cuenta de {name}.
2. Encuentra un especialista y abre su perfil.
3. Elige una hora libre (en tu zona horaria) y confirma.
""",
        ),
    ]


_ARTICLE_SETS = {"calm": _calm_articles, "northside": _northside_articles}


def demo_articles_for(brand: Brand) -> list[DemoArticle]:
    return _ARTICLE_SETS.get(brand.slug, _generic_articles)(brand.name)


def seed_demo_articles(brand: Brand, author) -> list[Article]:
    """Create the brand's published demo articles that do not exist yet; return them all.

    ``author`` must be staff of ``brand`` or a platform operator (the actions check).
    """
    specs = demo_articles_for(brand)
    existing = set(
        Article.objects.filter(brand=brand, slug__in=[s.slug for s in specs]).values_list(
            "slug", flat=True
        )
    )
    for spec in specs:
        if spec.slug in existing:
            continue
        actions.create_article(
            acting_user=author,
            brand=brand,
            title=spec.title,
            slug=spec.slug,
            summary=spec.summary,
            body_markdown=spec.body,
            language=spec.language,
            position=spec.position,
            publish=True,
        )
    return list(
        Article.objects.filter(brand=brand, slug__in=[s.slug for s in specs]).order_by(
            "language", "position", "title"
        )
    )
