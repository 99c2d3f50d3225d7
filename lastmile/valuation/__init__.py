"""Reference prices for disposal (确定财产处置参考价): party agreement, directed inquiry, online
inquiry and commissioned appraisal, with their periods, objections, validity and costs."""
