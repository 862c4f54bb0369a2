from interventions._cli import main

raise SystemExit(main())
