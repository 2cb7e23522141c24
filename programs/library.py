"""The exercises and the 8-week programme that ship with Stride, and their idempotent loader.

Content: docs/clinical-rules.md §8 (exercises) and §9 (default 8-week programme [C]). Doses
are product defaults, not trial doses: the glide dose is "about 10 each leg" [S, not
trial-based], the rest are conservative starting points a therapist adjusts. Steps are
plain words, one per line.

`sync()` takes the model classes so the data migration can pass its historical models and the
demo and tests the real ones. Changing any text here and running sync() bumps that exercise's
`version`; ship such a change with a new data migration that calls sync() again.
"""

from patients.models import RED_FLAG_SIGNS

# docs/clinical-rules.md §6: every red-flag sign in the one wording (patients.models), and
# what to do. One line each under the handout's and the exercise page's "Stop if" heading.
RED_FLAG_STOPS = (
    "\n".join(sign.description for sign in RED_FLAG_SIGNS)
    + "\nAny one of these: go to an emergency department now (do not drive yourself).\n"
)

EXERCISES = [
    {
        "slug": "sciatic-nerve-slider",
        "name": "Nerve glide: slider (seated)",
        "category": "nerve_glide",
        "summary": "Gently slides the sciatic nerve: readies it for a walk and settles it after.",
        "steps": """Sit tall on a firm chair, feet flat on the floor.
Slowly straighten one knee and look up at the ceiling at the same time.
Slowly bend the knee back down and look down at the floor at the same time.
Keep the movement smooth, like a swing.
Do the other leg.""",
        "cues": """You should feel a gentle pull at most, never a strong stretch.
Breathe normally.
Move slowly: about 2 seconds up, 2 seconds down.""",
        "precautions": """Stop if tingling or pain in your leg gets stronger and stays.
Stop if you feel a sharp or electric pain.""",
        "default_reps": 10,
        "default_sets": 1,
        "default_times_per_day": 2,
        "illustration": "programs/exercises/sciatic-nerve-slider.svg",
        "illustration_alt": (
            "Start: sitting tall on a chair, knees bent, feet flat, looking down. End: one knee "
            "straightened while you tip your head back and look up at the ceiling."
        ),
    },
    {
        "slug": "sciatic-nerve-tensioner",
        "name": "Nerve glide: tensioner (seated)",
        "category": "nerve_glide",
        "summary": ("A stronger nerve glide. Only do it if your therapist has chosen it for you."),
        "steps": """Sit tall on a firm chair, feet flat on the floor.
Slowly straighten one knee while you look down at the floor.
Hold for a breath, then bend the knee back down and look straight ahead.
Do the other leg.""",
        "cues": """This one gives more stretch than the slider: keep it gentle.
Only go as far as your therapist showed you.""",
        "precautions": """Stop if tingling or pain in your leg gets stronger and stays.
Stop if you feel a sharp or electric pain.
Do not use this glide unless your therapist has added it to your plan.""",
        "default_reps": 5,
        "default_sets": 1,
        "default_times_per_day": 1,
        "illustration": "programs/exercises/sciatic-nerve-tensioner.svg",
        "illustration_alt": (
            "Start: sitting tall on a chair, knees bent, feet flat, looking straight ahead. End: "
            "one knee straightened while you look down at the floor."
        ),
    },
    {
        "slug": "standing-l-stretch",
        "name": "Standing L stretch",
        "category": "flexion_stretch",
        "summary": "Bends your back forward to open the space around the nerves.",
        "steps": """Stand facing a kitchen counter or a sturdy table.
Put both hands on the edge, shoulder-width apart.
Walk your feet back until your arms are straight.
Bend at the hips so your body makes an L shape, back flat, head between your arms.
Hold, or rock gently back and forth.
Walk your feet back in to stand up.""",
        "cues": """Let your back round a little if that feels good.
Keep your knees soft, not locked.""",
        "precautions": """Stop if you feel dizzy.
Stop if pain goes further down your leg.
Make sure the counter or table cannot slide.""",
        "default_reps": 3,
        "default_hold_seconds": 20,
        "default_times_per_day": 2,
        "illustration": "programs/exercises/standing-l-stretch.svg",
        "illustration_alt": (
            "Start: standing close to a counter, both hands on its edge. End: feet walked back, "
            "arms straight, body bent at the hips in an L shape, head between your arms."
        ),
    },
    {
        "slug": "forward-flexion-standing",
        "name": "Forward bend (standing)",
        "category": "flexion_stretch",
        "summary": "Bending forward opens the spinal canal. Use it as a break during a walk too.",
        "steps": """Stand with your feet shoulder-width apart.
Let your chin drop to your chest.
Slowly roll forward and reach your hands toward your toes, as far as is comfortable.
Hold for a few breaths.
Slowly roll back up to standing.""",
        "cues": """You do not need to touch your toes.
During a walk, bending forward for a short rest often eases leg symptoms.""",
        "precautions": """Stop if you feel dizzy: stand up slowly.
Hold on to something if your balance is unsteady.
Stop if pain goes further down your leg.""",
        "default_reps": 5,
        "default_hold_seconds": 10,
        "default_times_per_day": 2,
        "illustration": "programs/exercises/forward-flexion-standing.svg",
        "illustration_alt": (
            "Start: standing tall, feet apart, arms by your sides. End: chin down, back rounded, "
            "hands reaching toward your toes, knees soft."
        ),
    },
    {
        "slug": "forward-flexion-sitting",
        "name": "Forward bend (sitting)",
        "category": "flexion_stretch",
        "summary": "The same forward bend, sitting down: good for a rest between walks.",
        "steps": """Sit on a firm chair with your feet wide apart.
Let your chin drop to your chest.
Slowly reach down between your legs toward the floor.
Hold for a few breaths.
Slowly sit back up.""",
        "cues": """Let your back round.
Rest your forearms on your thighs if reaching down is too much.""",
        "precautions": """Stop if you feel dizzy: sit up slowly.
Stop if pain goes further down your leg.""",
        "default_reps": 5,
        "default_hold_seconds": 10,
        "default_times_per_day": 2,
        "illustration": "programs/exercises/forward-flexion-sitting.svg",
        "illustration_alt": (
            "Start: sitting tall on a chair, feet wide apart, hands on your thighs. End: chin "
            "down, back rounded, reaching down between your legs toward the floor."
        ),
    },
    {
        "slug": "knee-to-chest-single",
        "name": "Knee to chest (one knee)",
        "category": "flexion_stretch",
        "summary": "Lying down, hugging one knee gently bends the lower back forward.",
        "steps": """Lie on your back on a bed or the floor, knees bent, feet flat.
Hold behind one knee with both hands.
Gently pull that knee toward your chest.
Hold, then lower the foot back down.
Do the other leg.""",
        "cues": """Keep your head and shoulders relaxed on the bed or floor.
Breathe out as you pull the knee in.""",
        "precautions": """Stop if you feel pain in your hip or groin.
Stop if pain goes further down your leg.""",
        "default_reps": 3,
        "default_hold_seconds": 20,
        "default_times_per_day": 1,
        "illustration": "programs/exercises/knee-to-chest-single.svg",
        "illustration_alt": (
            "Start: lying on your back, knees bent, feet flat. End: one knee pulled gently to "
            "your chest with both hands; the other foot stays flat."
        ),
    },
    {
        "slug": "knees-to-chest-double",
        "name": "Knees to chest (both knees)",
        "category": "flexion_stretch",
        "summary": "Hugging both knees gives the lower back a bigger forward bend.",
        "steps": """Lie on your back on a bed or the floor, knees bent, feet flat.
Bring one knee up, then the other.
Hold behind both knees and gently pull them toward your chest.
Hold, then lower one foot at a time back down.""",
        "cues": """Rock gently side to side if that feels good.
Move one leg at a time on the way up and down.""",
        "precautions": """Start with the one-knee version if this is too much.
Stop if you feel pain in your hips or groin.
Stop if pain goes further down your leg.""",
        "default_reps": 3,
        "default_hold_seconds": 20,
        "default_times_per_day": 1,
        "illustration": "programs/exercises/knees-to-chest-double.svg",
        "illustration_alt": (
            "Start: lying on your back, knees bent, feet flat. End: both knees pulled gently to "
            "your chest, your hands holding behind the knees."
        ),
    },
    {
        "slug": "posterior-pelvic-tilt",
        "name": "Pelvic tilt (lying)",
        "category": "core",
        "summary": "Flattens the lower back: gentle core work in the forward-bent direction.",
        "steps": """Lie on your back, knees bent, feet flat.
Tighten your tummy and flatten your lower back onto the bed or floor.
Your bottom tilts up a little; it stays on the bed or floor.
Hold, then relax.""",
        "cues": """Breathe out as you flatten your back.
Do not hold your breath.""",
        "precautions": "Stop if the movement causes sharp pain.",
        "default_sets": 1,
        "default_reps": 10,
        "default_hold_seconds": 5,
        "default_times_per_day": 1,
        "illustration": "programs/exercises/posterior-pelvic-tilt.svg",
        "illustration_alt": (
            "Start: lying on your back, knees bent, a small gap under your lower back. End: tummy "
            "tightened and lower back pressed flat; your bottom stays down."
        ),
    },
    {
        "slug": "abdominal-bracing",
        "name": "Tummy tightening (bracing)",
        "category": "core",
        "summary": "Switches on the deep tummy muscles that support your back.",
        "steps": """Lie on your back with knees bent, or sit tall on a chair.
Gently tighten your tummy, as if getting ready for a light poke.
Keep breathing normally while you hold.
Relax.""",
        "cues": """About a third of your full effort is enough.
You can do this standing in a queue too.""",
        "precautions": "Stop if it causes pain. Never hold your breath.",
        "default_sets": 1,
        "default_reps": 10,
        "default_hold_seconds": 10,
        "default_times_per_day": 1,
        "illustration": "programs/exercises/abdominal-bracing.svg",
        "illustration_alt": (
            "Start: lying on your back, knees bent, feet flat, relaxed. End: the same position "
            "with your tummy gently tightened while you keep breathing."
        ),
    },
    {
        "slug": "curl-up",
        "name": "Curl-up",
        "category": "core",
        "summary": "Strengthens the tummy muscles while bending forward a little.",
        "steps": """Lie on your back, knees bent, feet flat.
Put your hands on your thighs.
Tighten your tummy and slowly lift your head and shoulders a little.
Slide your hands toward your knees.
Hold for a moment, then slowly lower down.""",
        "cues": """Only lift your shoulders off the bed or floor, not your whole back.
Keep your chin slightly tucked, as if holding an apple under it.""",
        "precautions": """Stop if you feel neck pain: support your head with one hand.
Stop if the movement causes sharp back pain.""",
        "default_sets": 1,
        "default_reps": 8,
        "default_times_per_day": 1,
        "illustration": "programs/exercises/curl-up.svg",
        "illustration_alt": (
            "Start: lying on your back, knees bent, hands on your thighs. End: head and shoulders "
            "lifted a little, hands slid toward your knees."
        ),
    },
    {
        "slug": "seated-marching",
        "name": "Seated marching",
        "category": "core",
        "summary": "Lifting your knees in turn while sitting works the tummy and hips.",
        "steps": """Sit tall on a firm chair, feet flat, hands on the seat.
Tighten your tummy a little.
Lift one knee a few centimetres, then put the foot down.
Lift the other knee.
Keep going, one leg then the other.""",
        "cues": """Sit tall: do not lean back.
Small, steady lifts are better than big ones.""",
        "precautions": "Stop if you feel hip or back pain that gets worse.",
        "default_sets": 2,
        "default_reps": 10,
        "default_times_per_day": 1,
        "illustration": "programs/exercises/seated-marching.svg",
        "illustration_alt": (
            "Start: sitting tall on a chair, feet flat, hands on the seat. End: one knee lifted a "
            "few centimetres, that foot just off the floor."
        ),
    },
    {
        "slug": "gentle-bridge",
        "name": "Bridge (gentle)",
        "category": "core",
        "summary": "Strengthens the buttock muscles that help you walk.",
        "steps": """Lie on your back, knees bent, feet flat and hip-width apart.
Flatten your lower back first (a pelvic tilt).
Squeeze your buttocks and lift your bottom a little off the bed or floor.
Hold, then lower slowly.""",
        "cues": """Lift only a little: your back should not arch.
Keep your weight on your shoulders and feet.""",
        "precautions": """Stop if your back arches or pain increases.
Stop if you get cramp in the back of your thigh: rest and stretch.""",
        "default_sets": 1,
        "default_reps": 8,
        "default_hold_seconds": 3,
        "default_times_per_day": 1,
        "illustration": "programs/exercises/gentle-bridge.svg",
        "illustration_alt": (
            "Start: lying on your back, knees bent, feet flat. End: bottom lifted a little off "
            "the floor, weight on your shoulders and feet, back not arched."
        ),
    },
    {
        "slug": "stationary-cycling",
        "name": "Stationary cycling",
        "category": "cycling",
        "summary": (
            "Exercise for your heart and legs with your back bent forward: an option on days "
            "walking is hard."
        ),
        "steps": """Set the seat so your knee is slightly bent at the bottom of the pedal.
Lean forward a little on the handlebars.
Pedal at an easy pace, with little resistance.
Slow down for the last minute.""",
        "cues": """You should be able to talk while you pedal.
Leaning forward keeps your back in the comfortable bent position.""",
        "precautions": """Stop if you feel chest pain, dizziness or unusual breathlessness.
Stop if leg symptoms get stronger and do not ease when you stop.""",
        "default_minutes": 10,
        "default_times_per_day": 1,
        "illustration": "programs/exercises/stationary-cycling.svg",
        "illustration_alt": (
            "Start: sitting on an exercise bike, hands on the handlebars, knee slightly bent with "
            "the pedal at the bottom. End: leaning forward a little, pedalling at an easy pace."
        ),
    },
    {
        "slug": "interval-walking",
        "name": "Walking with rests",
        "category": "walking",
        "summary": "Walk in short bouts, resting bent forward between them.",
        "steps": """Do your nerve glides first.
Walk at a comfortable pace.
Walk until your pain rises about 2 points above where it started.
Then rest: sit, or bend forward, or do a forward bend stretch.
When it has settled, walk again.
Do your nerve glides after the last walk.""",
        "cues": """Some tingling while walking is expected and is not harm.
Rest before symptoms get strong: mild pain is fine.""",
        "precautions": RED_FLAG_STOPS
        + """
Stop if pain keeps rising after you rest.""",
        "default_minutes": 5,
        "default_times_per_day": 1,
        "illustration": "programs/exercises/interval-walking.svg",
        "illustration_alt": (
            "Start: walking tall at a comfortable pace. End: resting bent forward with your hands "
            "on a wall or rail until the pain settles."
        ),
    },
    {
        "slug": "real-route-walk",
        "name": "Walk your real route",
        "category": "walking",
        "summary": "Once a week, walk a route from your daily life: to the shops or the park.",
        "steps": """Choose a route you want to be able to walk, like to the shops or the park.
Plan where you can rest: a bench, a wall, a shop.
Walk it with the same bouts and rests as your plan.
Note how far you got and how you felt.""",
        "cues": """A shopping trolley or a walker can help: leaning on it bends you forward.
Take your phone.""",
        "precautions": RED_FLAG_STOPS
        + """
Turn back early if pain keeps rising after you rest.""",
        "default_minutes": 20,
        "default_times_per_day": 1,
        "illustration": "programs/exercises/real-route-walk.svg",
        "illustration_alt": (
            "Start: walking your route, leaning a little on a shopping trolley. End: resting on a "
            "bench on the way, bent forward with your forearms on your thighs."
        ),
    },
]

DOSE_KEYS = ("sets", "reps", "hold_seconds", "minutes", "times_per_day")

DEFAULT_TEMPLATE = {
    "slug": "walking-flexion-8-weeks",
    "name": "8-week walking and flexion programme",
    "description": (
        "Stride's default programme (a product default, not a trial protocol): "
        "interval walking that grows by the weekly rule, nerve glides before and after every "
        "walk, the three flexion stretches daily, and flexion-biased core work that builds "
        "over eight weeks."
    ),
    "weeks": 8,
    "sessions_per_week": 5,
    "bouts_per_session": 3,
    "progress_from_week": 3,
    "week_notes": [
        (1, "Foundation", "Learn the routine: glides, stretches and short walks with rests."),
        (2, "Foundation", "Same walks as last week. Keep logging how you feel."),
        (3, "Build", "New: curl-ups and seated marching. Walks may get longer."),
        (4, "Build", "Walks grow when last week went well."),
        (5, "Progress", "New: the bridge. Cycling is an option on hard days."),
        (6, "Progress", "Longer walks when last week went well."),
        (7, "Consolidate", "Fewer, longer walks. Walk your real route once this week."),
        (8, "Consolidate", "Walk your real route again. Your therapist will re-test your walking."),
    ],
    # slug, slot, first week, last week, dose overrides (else the exercise's default)
    "items": [
        ("sciatic-nerve-slider", "walk", 1, 8, {}),
        ("standing-l-stretch", "daily", 1, 8, {}),
        ("forward-flexion-standing", "daily", 1, 8, {}),
        ("forward-flexion-sitting", "daily", 1, 8, {}),
        ("knee-to-chest-single", "daily", 1, 2, {}),
        ("knees-to-chest-double", "daily", 3, 8, {}),
        ("posterior-pelvic-tilt", "daily", 1, 8, {}),
        ("abdominal-bracing", "daily", 1, 8, {}),
        ("curl-up", "daily", 3, 8, {}),
        ("seated-marching", "daily", 3, 8, {}),
        ("gentle-bridge", "daily", 5, 8, {}),
        ("stationary-cycling", "option", 5, 8, {}),
        ("real-route-walk", "weekly", 7, 8, {}),
    ],
}

_EXERCISE_FIELDS = (
    "name",
    "category",
    "summary",
    "steps",
    "cues",
    "precautions",
    "default_sets",
    "default_reps",
    "default_hold_seconds",
    "default_minutes",
    "default_times_per_day",
    "illustration",
    "illustration_alt",
)


def _exercise_values(entry: dict) -> dict:
    values = {name: entry.get(name) for name in _EXERCISE_FIELDS}
    values["cues"] = values["cues"] or ""
    values["illustration"] = values["illustration"] or ""
    values["illustration_alt"] = values["illustration_alt"] or ""
    values["default_times_per_day"] = values["default_times_per_day"] or 1
    return values


def sync(Exercise, ProgramTemplate, TemplateWeek, TemplateExercise) -> dict:  # noqa: N803
    """Create or update the bundled exercises and template. Safe to run any number of times.

    An exercise whose content changed gets `version + 1`; an unchanged one is not touched.
    The bundled template is rebuilt only when it does not exist yet: its items may point at
    exercises plans already use, and it is read-only, so there is nothing to merge.
    """
    changed = {"exercises_created": 0, "exercises_updated": 0, "template_created": 0}
    by_slug = {e.slug: e for e in Exercise.objects.filter(clinic__isnull=True)}
    for entry in EXERCISES:
        values = _exercise_values(entry)
        exercise = by_slug.get(entry["slug"])
        if exercise is None:
            by_slug[entry["slug"]] = Exercise.objects.create(slug=entry["slug"], **values)
            changed["exercises_created"] += 1
        elif any(getattr(exercise, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(exercise, key, value)
            exercise.version += 1
            exercise.save()
            changed["exercises_updated"] += 1

    spec = DEFAULT_TEMPLATE
    if not ProgramTemplate.objects.filter(clinic__isnull=True, slug=spec["slug"]).exists():
        template = ProgramTemplate.objects.create(
            slug=spec["slug"],
            name=spec["name"],
            description=spec["description"],
            weeks=spec["weeks"],
            sessions_per_week=spec["sessions_per_week"],
            bouts_per_session=spec["bouts_per_session"],
            progress_from_week=spec["progress_from_week"],
        )
        TemplateWeek.objects.bulk_create(
            TemplateWeek(template=template, number=n, phase=phase, note=note)
            for n, phase, note in spec["week_notes"]
        )
        items = []
        for order, (slug, slot, week_from, week_to, overrides) in enumerate(spec["items"]):
            exercise = by_slug[slug]
            dose = {
                "sets": exercise.default_sets,
                "reps": exercise.default_reps,
                "hold_seconds": exercise.default_hold_seconds,
                "minutes": exercise.default_minutes,
                "times_per_day": exercise.default_times_per_day,
                **overrides,
            }
            items.append(
                TemplateExercise(
                    template=template,
                    exercise=exercise,
                    slot=slot,
                    week_from=week_from,
                    week_to=week_to,
                    order=order,
                    **dose,
                )
            )
        TemplateExercise.objects.bulk_create(items)
        changed["template_created"] = 1
    return changed
