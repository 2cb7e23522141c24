"""Cart test settings per clinic (docs/clinical-rules.md §3): the "strong" threshold and the
cart and walker height cut-offs. Existing clinics get the published values (75 %, 64 in =
5'4", 62 in = 5'2"), so every result reads as before except walker tests, which now use
the walker's own cut-off.

Treadmill tests needed no migration: each stage's stop reason (`level_stop_reason`,
`incline_stop_reason`) has been recorded, and required, since 0001.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0002_bundled_instruments'),
    ]

    operations = [
        migrations.AddField(
            model_name='assessmentsettings',
            name='cart_min_height_in',
            field=models.PositiveSmallIntegerField(default=64, verbose_name='Cart test: shortest patient a shopping cart suits (inches)'),
        ),
        migrations.AddField(
            model_name='assessmentsettings',
            name='cart_strong_pct',
            field=models.PositiveSmallIntegerField(default=75, help_text='More than this much longer walking with support is flagged as strongly consistent with neurogenic claudication.', verbose_name='Cart test: improvement that counts as strong (%)'),
        ),
        migrations.AddField(
            model_name='assessmentsettings',
            name='walker_min_height_in',
            field=models.PositiveSmallIntegerField(default=62, verbose_name='Cart test: shortest patient a wheeled walker suits (inches)'),
        ),
        migrations.AddConstraint(
            model_name='assessmentsettings',
            constraint=models.CheckConstraint(condition=models.Q(('cart_strong_pct__gte', 50), ('cart_strong_pct__lte', 200)), name='assessments_settings_cart_strong_range', violation_error_message="The cart test's strong improvement must be a percentage from 50 to 200."),
        ),
        migrations.AddConstraint(
            model_name='assessmentsettings',
            constraint=models.CheckConstraint(condition=models.Q(('cart_min_height_in__gte', 48), ('cart_min_height_in__lte', 78), ('walker_min_height_in__gte', 48), ('walker_min_height_in__lte', 78)), name='assessments_settings_cart_heights_range', violation_error_message='Height cut-offs must be from 48 to 78 inches.'),
        ),
    ]
