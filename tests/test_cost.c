/*
 * test_cost.c -- EC2 billing figures of the story (shared/SPEC.md): prices are
 * us-east-1 Linux on-demand (shared/reference/kubernetes-aws.md §8.3):
 * t2.medium 0.0464 USD/h, t2.xlarge 0.1856 USD/h; a month is 720 h.
 */
#include "testutil.h"

#include "cost.h"

static void story_month_figures(void **state)
{
	double month = 720.0 * 3600.0;
	(void)state;
	/* one t2.medium: 0.0464 * 720 = 33.408 */
	assert_float_equal(cost_instance_usd(0.0464, 0, month), 33.408, 0.005);
	/* one t2.xlarge: 0.1856 * 720 = 133.632 (4x for +2 vCPU) */
	assert_float_equal(cost_instance_usd(0.1856, 0, month), 133.632, 0.005);
	/* two t2.medium: 66.816 (2x) */
	assert_float_equal(2 * cost_instance_usd(0.0464, 0, month), 66.816, 0.005);
}

static void minimum_sixty_seconds(void **state)
{
	(void)state;
	/* EC2 per-second billing has a 60 s minimum: 10 s costs as 60 s. */
	assert_float_equal(cost_instance_usd(3.6, 100, 110), 0.06, 1e-12);
	assert_float_equal(cost_instance_usd(3.6, 100, 160), 0.06, 1e-12);
	assert_float_equal(cost_instance_usd(3.6, 100, 161), 0.061, 1e-12);
}

static void fees_and_month_scaling(void **state)
{
	(void)state;
	/* EKS control plane 0.10 USD/h for 24 h = 2.40 USD; a month = 72 USD. */
	assert_float_equal(cost_fee_usd(0.10, 86400), 2.40, 1e-9);
	assert_float_equal(cost_per_month(2.40, 86400), 72.0, 1e-9);
	assert_float_equal(cost_per_month(1.0, 0), 0.0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(story_month_figures),
		cmocka_unit_test(minimum_sixty_seconds),
		cmocka_unit_test(fees_and_month_scaling),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
