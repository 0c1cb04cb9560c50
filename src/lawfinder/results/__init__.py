"""What a fit returns: formulas, their exports, model files and the HTML report."""
