"""Diff two compiled rule sets over a Parquet query log with Spark, as ``interventions diff`` does.

    interventions compile rules -o old.irs && interventions compile new-rules -o new.irs
    spark-submit --master local[2] --files old.irs,new.irs tools/spark_diff.py \\
        old.irs new.irs logs/queries.parquet --locale-column locale --html diff.html

It prints the report ``interventions diff`` prints, writes the same HTML report, and exits with
the same ``--fail-on`` gate (1 when a failing kind of change occurred). The rule files reach the
executors through ``--files`` (or ``SparkContext.addFile``; any path Spark reads will do).
"""

from __future__ import annotations

import argparse
import sys

from pyspark.sql import SparkSession

from interventions.spark import diff
from interventions.tools import DEFAULT_FAIL_ON


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("old", help="the compiled rules before the change")
    p.add_argument("new", help="the compiled rules after the change")
    p.add_argument("log", help="a Parquet table (any path Spark reads) with a query column")
    p.add_argument("--query-column", default="query")
    p.add_argument("--locale-column")
    p.add_argument("--time-column")
    p.add_argument("--fail-on", default=",".join(sorted(DEFAULT_FAIL_ON)))
    p.add_argument("--html", metavar="REPORT")
    args = p.parse_args()
    spark = SparkSession.builder.appName("interventions-diff").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    try:
        report = diff(
            spark.read.parquet(args.log),
            args.old,
            args.new,
            query=args.query_column,
            locale=args.locale_column,
            moment=args.time_column,
            fail_on=[k for k in args.fail_on.split(",") if k],
            name=args.log,
        )
    finally:
        pass
    print(report.render())
    if args.html:
        with open(args.html, "w", encoding="utf-8") as f:
            f.write(report.to_html())
    spark.stop()
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
